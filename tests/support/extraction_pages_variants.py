"""More real-shaped pages for issue 25: the same classes in other markup, so that no rule rests on
one template.  A Japanese comment list whose class names say nothing ("cmt"), a French paywall
with its "la suite est réservée aux abonnés" box inside the body, a Russian page whose last
paragraphs are rendered at the end of ``<body>`` (out of reach of any container rule: only the
JSON-LD ``articleBody`` says they belong), an English WordPress post with Jetpack related posts
and an author bio inside ``entry-content``, and a Chinese page with a "recommended" box and a
share bar inside the body.  Texts written for these tests.
"""

from __future__ import annotations

from html import escape

from tests.support.extraction_pages import SCRIPT_UNWANTED, Page
from tests.support.extraction_pages_tail import _json_ld, _links, _p, _shell

# --------------------------------------------------------------------------- ja: a thread without markup names

JA_TITLE = "金沢市、路面電車の導入に向け調査費を計上"
JA_BODY = (
    "金沢市は新年度予算案に、市中心部への路面電車導入に向けた調査費として八千万円を計上した。金沢駅から香林坊を経て兼六園周辺までを結ぶ約四キロの路線を想定している。",
    "市によると、観光客の増加で路線バスが慢性的に混雑しており、定時性の確保が課題になっている。調査では需要予測のほか、道路の幅員や商店街への影響も検討する。",
    "富山市の事例を参考に、車両は低床式とし、一部区間では専用軌道も検討する。市長は記者会見で、二年以内に導入の可否を判断したいと述べた。",
    "一方、沿線の商店主からは工事期間中の売り上げ減少を心配する声も上がっており、市は説明会を順次開く方針だ。",
)
JA_COMMENTS = (
    "バスが本当に混んでいるので期待しています。ただ冬の雪への対策はきちんと考えてほしいです。",
    "八千万円の調査費は高すぎると思います。まずはバス路線の見直しから始めるべきではないでしょうか。",
    "富山のように街が元気になるなら大賛成です。観光客だけでなく市民の足にもなってほしいです。",
)


def ja_thread() -> str:
    items = "".join(
        f'<li class="cmt-item"><div class="cmt-head"><span class="cmt-name">{escape(n)}</span>'
        f'<time datetime="2025-03-1{i}">3月1{i}日</time></div><p class="cmt-body">{escape(t)}</p>'
        f'<div class="cmt-foot"><button>いいね</button><button>返信</button></div></li>'
        for i, (n, t) in enumerate(zip(("匿名さん", "金沢市民", "旅行好き"), JA_COMMENTS))
    )
    main = (
        '<div id="wrapper"><div id="contents"><div class="news-article">'
        f'<h1>{escape(JA_TITLE)}</h1><p class="date">2025年3月14日 10時05分</p>'
        f'<div class="news-body">{_p(JA_BODY)}</div>'
        f'<div class="cmt"><h3>みんなの声（3件）</h3><ul class="cmt-list">{items}</ul></div>'
        "</div></div></div>"
    )
    return _shell("ja", JA_TITLE, "北陸ニュース", ("ニュース", "天気", "スポーツ", "くらし"), main, "Copyright 北陸ニュース 無断転載禁止")


# --------------------------------------------------------------------------- fr: paywall box inside the body

FRP_TITLE = "À Nantes, la ligne 6 du tramway sera prolongée jusqu'à Rezé"
FRP_BODY = (
    "Nantes Métropole a voté vendredi le prolongement de la ligne 6 du tramway jusqu'au centre de Rezé, un chantier de trois kilomètres qui doit commencer à l'automne 2026.",
    "Le tracé passera par le pont des Trois-Continents, qui sera élargi pour accueillir les rails, et comptera quatre nouvelles stations dont une au pied de la mairie de Rezé.",
    "Le coût est estimé à 180 millions d'euros, financés pour un quart par l'État dans le cadre de l'appel à projets sur les transports collectifs en site propre.",
)


def fr_paywall() -> str:
    main = (
        '<main><article class="article article--paid">'
        f'<h1 class="article__title">{escape(FRP_TITLE)}</h1>'
        f'<section class="article__content">{_p(FRP_BODY, "article__paragraph")}'
        '<section class="paywall paywall--article" data-paywall="hard"><p class="paywall__title">Il vous reste 72 % de cet article à lire. La suite est réservée aux abonnés.</p>'
        '<p class="paywall__offer">Déjà abonné ? Se connecter. Offre spéciale : 1 € le premier mois, sans engagement.</p>'
        '<a class="paywall__button" href="/abonnement">Je m\'abonne</a></section></section>'
        "</article></main>"
    )
    return _shell("fr", FRP_TITLE, "Ouest Matin", ("Nantes", "Saint-Nazaire", "Vendée", "Sports"), main, "Ouest Matin – CGU – Gestion des cookies")


# --------------------------------------------------------------------------- ru: the end rendered at the end of <body>; JSON-LD decides

RUJ_TITLE = "В Новосибирске построят второй мост через Обь для трамвая"
RUJ_BODY = (
    "Мэрия Новосибирска объявила конкурс на проектирование трамвайного моста через Обь, который свяжет Октябрьский и Кировский районы.",
    "Мост длиной около полутора километров пройдёт рядом с Октябрьским мостом, на котором в часы пик движение почти останавливается.",
    "По предварительным оценкам, строительство обойдётся в двадцать шесть миллиардов рублей; часть расходов город рассчитывает покрыть за счёт инфраструктурного бюджетного кредита.",
    "Проектировщики должны представить два варианта: только для трамвая и совмещённый, с полосами для автобусов и велосипедистов.",
    "Результаты конкурса подведут в июне, а начать строительство планируется не раньше 2027 года.",
)


def ru_json_ld() -> str:
    main = (
        '<div class="page"><main class="content"><div class="article">'
        f'<h1>{escape(RUJ_TITLE)}</h1><div class="article__date">14 марта 2025</div>'
        f'<div class="article__text">{_p(RUJ_BODY[:3])}</div>'
        '<div class="article__loader" data-state="loading">Загрузка…</div></div></main>'
        f'<aside class="sidebar"><ul>{_links(("Погода", "Пробки", "Афиша"), "/s/")}</ul></aside></div>'
        # the rest of the article, as the page's script leaves it: appended to <body>
        f'<div id="deferred-root"><div class="deferred-block">{_p(RUJ_BODY[3:])}</div></div>'
    )
    return _shell("ru", RUJ_TITLE, "Новосибирск Онлайн", ("Новости", "Город", "Транспорт", "Спорт"), main,
                  "© Новосибирск Онлайн. Все права защищены.", head=_json_ld(RUJ_TITLE, RUJ_BODY, "Олег Воронцов"))


# --------------------------------------------------------------------------- en: WordPress, Jetpack related posts and author bio in the body

WP_TITLE = "Bristol harbour ferry returns after two-year refit"
WP_BODY = (
    "The yellow-and-blue harbour ferry that links Temple Meads with Hotwells returned to service on Saturday after a two-year refit at the Albion Dockyard.",
    "Volunteers replaced most of the hull plating and fitted an electric motor, which the operators say will cut the boat's fuel costs by about four-fifths.",
    "The ferry carried more than 200,000 passengers a year before it was taken out of the water, most of them commuters rather than tourists.",
    "A second boat is due to be converted next winter if the operators can raise the remaining £90,000 from a community share offer.",
)
WP_BIO = "Tom Evans is a freelance journalist who has written about Bristol's waterways and transport for fifteen years."
WP_RELATED = ("Floating harbour footbridge to close for repairs", "Council backs new water taxi stops", "Cycle path along the New Cut opens")


def wp_related_author() -> str:
    related = "".join(
        f'<div class="jp-relatedposts-post jp-relatedposts-post{i}"><h4 class="jp-relatedposts-post-title">'
        f'<a class="jp-relatedposts-post-a" href="/p/{i}">{escape(t)}</a></h4><p class="jp-relatedposts-post-date">March {i + 3}, 2025</p></div>'
        for i, t in enumerate(WP_RELATED)
    )
    main = (
        '<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main">'
        '<article id="post-1204" class="post-1204 post type-post status-publish hentry">'
        f'<header class="entry-header"><h1 class="entry-title">{escape(WP_TITLE)}</h1></header>'
        f'<div class="entry-content">{_p(WP_BODY)}'
        f'<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3>{related}</div>'
        '<div class="post-author-bio"><img src="/a.jpg" alt="">'
        f'<h4 class="author-name">Tom Evans</h4><p>{escape(WP_BIO)}</p></div>'
        "</div></article></main></div></div>"
    )
    return _shell("en", WP_TITLE, "Bristol Post Online", ("News", "Things to do", "Sport", "Property"), main,
                  "Bristol Post Online · Privacy · Contact us")


# --------------------------------------------------------------------------- zh: recommended box and share bar in the body

ZHR_TITLE = "杭州西湖景区推出预约游船服务"
ZHR_BODY = (
    "杭州西湖风景名胜区管委会宣布，自下月起西湖游船全面实行线上预约，游客可提前七天通过官方小程序选择航线和时段。",
    "管委会表示，节假日期间码头排队时间经常超过两个小时，预约制度实施后，每个时段的游客数量将得到控制，排队时间有望缩短一半以上。",
    "为照顾不熟悉手机操作的老年游客，各码头仍将保留部分现场售票窗口，并安排工作人员提供帮助。",
)
ZHR_RECO = ("西湖音乐喷泉恢复夜间演出", "杭州地铁新开两条线路", "灵隐寺周边停车场扩建完工", "龙井村采茶季交通管制")


def zh_recommend() -> str:
    main = (
        '<div class="main"><div class="detail">'
        f'<h1 class="detail-title">{escape(ZHR_TITLE)}</h1><div class="detail-info">2025-03-14 08:12 来源：新闻中心</div>'
        f'<div class="detail-content">{_p(ZHR_BODY)}'
        '<div class="share-bar"><span>分享到：</span><a href="#">微信</a><a href="#">微博</a><a href="#">QQ空间</a></div>'
        f'<div class="recommend"><div class="recommend-hd">为你推荐</div><ul>{_links(ZHR_RECO, "/n/")}</ul></div>'
        "</div></div></div>"
    )
    return _shell("zh", ZHR_TITLE, "杭州新闻网", ("首页", "杭州", "浙江", "国内"), main, "杭州新闻网 版权所有 未经授权禁止转载")


def _variant_pages() -> tuple[Page, ...]:
    def page(name: str, lang: str, layout: str, html: str, title: str, body: tuple[str, ...], unwanted: tuple[str, ...]) -> Page:
        return Page(name, lang, layout, html, (title, *body), (*unwanted, SCRIPT_UNWANTED))

    return (
        page("ja-thread-cmt", "ja", "comments (list items, no telling names)", ja_thread(), JA_TITLE, JA_BODY,
             (*JA_COMMENTS, "みんなの声（3件）")),
        page("fr-paywall-box", "fr", "paywall promo in the body", fr_paywall(), FRP_TITLE, FRP_BODY,
             ("Il vous reste 72 % de cet article à lire", "Offre spéciale : 1 € le premier mois", "Je m'abonne", "Gestion des cookies")),
        page("ru-json-ld-deferred", "ru", "json-ld, lazy body at the end of <body>", ru_json_ld(), RUJ_TITLE, RUJ_BODY,
             ("Загрузка…", "Пробки", "Все права защищены", "Транспорт")),
        page("en-wp-jetpack-bio", "en", "more stories (jetpack) + author block, wordpress", wp_related_author(), WP_TITLE, WP_BODY,
             (WP_BIO, *WP_RELATED[:2], "March 3, 2025", "Things to do")),
        page("zh-recommend-share", "zh", "more stories (recommended) + share bar, div body", zh_recommend(), ZHR_TITLE, ZHR_BODY,
             (*ZHR_RECO[:2], "为你推荐", "QQ空间")),
    )


VARIANT_PAGES: tuple[Page, ...] = _variant_pages()
