"""Real-shaped news pages for HTML extraction: expected snippets, and snippets that must stay out.

Each page copies a layout seen on real news sites: a modern page (header, nav, article, aside
with related links, cookie banner, newsletter form, footer, scripts), an ASP.NET WebForms page
whose whole body sits in ``<form id="aspnetForm">``, a page whose article is a ``<noscript>``
copy behind a JavaScript app, and old table layouts (menu cell, content cell, paragraphs in
``<td>``s or separated by ``<br>``).  The texts are written for these tests, in 14 languages.

Used by ``tests/inputs/test_extraction_pages.py`` and ``benchmarks/extraction.py`` (ours against plain
``trafilatura.extract``).  A snippet is found when it occurs in the extracted text once runs of
whitespace are made single spaces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape


@dataclass(frozen=True)
class Page:
    name: str
    lang: str
    layout: str
    html: str
    expected: tuple[str, ...]
    unwanted: tuple[str, ...]
    notes: str = field(default="")


@dataclass(frozen=True)
class Furniture:
    """The page furniture of one site, in its language: all of it must stay out of the text."""

    site: str
    nav: tuple[str, ...]
    footer: str
    cookie: str = ""
    related_heading: str = ""
    related: tuple[str, ...] = ()
    newsletter: str = ""

    def unwanted(self) -> tuple[str, ...]:
        items = [self.nav[1], self.nav[-1], self.footer]
        if self.cookie:
            items.append(self.cookie)
        items.extend(self.related[:2])
        if self.newsletter:
            items.append(self.newsletter)
        return tuple(items)


SCRIPT = "window.dataLayer = window.dataLayer || []; dataLayer.push({'event': 'pageview', 'section': 'news'});"
SCRIPT_UNWANTED = "dataLayer.push"


def _paras(paragraphs: tuple[str, ...]) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def _nav(f: Furniture) -> str:
    return "<ul>" + "".join(f'<li><a href="/{i}">{escape(item)}</a></li>' for i, item in enumerate(f.nav)) + "</ul>"


def _related(f: Furniture) -> str:
    if not f.related:
        return ""
    items = "".join(f'<li><a href="/r{i}">{escape(t)}</a></li>' for i, t in enumerate(f.related))
    return f"<h3>{escape(f.related_heading)}</h3><ul>{items}</ul>"


def _head(lang: str, title: str, site: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)} | {escape(site)}</title>"
        f'<meta property="og:title" content="{escape(title)}">'
        f"<script>{SCRIPT}</script><style>.nav{{display:flex}}</style></head>\n"
    )


def modern(lang: str, title: str, paragraphs: tuple[str, ...], f: Furniture, *, direction: str = "ltr",
           paragraph_tag: str = "p") -> str:
    """HTML5 news page: header/nav, article, aside with related links, cookie banner, footer."""
    if paragraph_tag == "p":
        body = _paras(paragraphs)
    else:
        body = "\n".join(f'<{paragraph_tag} class="para">{escape(p)}</{paragraph_tag}>' for p in paragraphs)
    cookie = f'<div class="cookie-banner" id="cmp"><p>{escape(f.cookie)}</p><button>OK</button></div>' if f.cookie else ""
    newsletter = (
        f'<form class="newsletter" action="/subscribe"><label>{escape(f.newsletter)}</label>'
        '<input type="email" name="email"><button>→</button></form>'
        if f.newsletter else ""
    )
    return (
        _head(lang, title, f.site)
        + f'<body dir="{direction}">{cookie}<header class="site-header"><a class="logo" href="/">{escape(f.site)}</a>'
        + f'<nav class="nav">{_nav(f)}</nav></header>\n'
        + f'<main><article><header><h1>{escape(title)}</h1></header>\n{body}\n{newsletter}</article>\n'
        + f'<aside class="related">{_related(f)}</aside></main>\n'
        + f"<footer><p>{escape(f.footer)}</p></footer><script>{SCRIPT}</script></body></html>"
    )


def aspnet(lang: str, title: str, paragraphs: tuple[str, ...], f: Furniture, *, tables: bool = False) -> str:
    """ASP.NET WebForms: the whole body inside one <form>, with view state, menu and footer."""
    if tables:
        content = (
            '<table width="100%" cellpadding="0"><tr><td class="menu" width="180">' + _nav(f) + "</td>"
            f'<td class="content"><h1>{escape(title)}</h1>{_paras(paragraphs)}</td></tr></table>'
        )
    else:
        content = (
            f'<div id="menu">{_nav(f)}</div><div id="ctl00_ContentPlaceHolder1_pnlArticle" class="article">'
            f'<h1 id="ctl00_lblTitle">{escape(title)}</h1>{_paras(paragraphs)}</div>'
            f'<div class="related">{_related(f)}</div>'
        )
    return (
        _head(lang, title, f.site)
        + '<body><form method="post" action="./Haber.aspx?id=4521" id="aspnetForm">'
        + '<div class="aspNetHidden"><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1Mg9kFgJmD2QWAgIDD2QWBAIBDw8WAh4EVGV4dAUFSGFiZXJkZA==">'
        + '<input type="hidden" name="__EVENTVALIDATION" value="/wEdAAJ4xKz"></div>'
        + f'<script type="text/javascript">{SCRIPT}</script>'
        + f'<div id="header"><a href="/">{escape(f.site)}</a></div>{content}'
        + f'<div id="footer"><p>{escape(f.footer)}</p></div></form></body></html>'
    )


def noscript(lang: str, title: str, paragraphs: tuple[str, ...], f: Furniture) -> str:
    """A JavaScript app with an empty root; the server puts the article in a <noscript> copy."""
    return (
        _head(lang, title, f.site)
        + f'<body><div id="root"></div><script src="/static/app.js"></script><script>{SCRIPT}</script>'
        + f'<noscript><div class="nojs"><nav>{_nav(f)}</nav><h1>{escape(title)}</h1>'
        + f'<div class="article-body">{_paras(paragraphs)}</div>'
        + f"<footer>{escape(f.footer)}</footer></div></noscript></body></html>"
    )


def table_layout(lang: str, title: str, paragraphs: tuple[str, ...], f: Furniture, *, breaks: bool = False,
                 cell_per_paragraph: bool = False) -> str:
    """An old site laid out in tables: menu cell, content cell, footer row."""
    if breaks:
        content = "<br><br>\n".join(escape(p) for p in paragraphs)
    elif cell_per_paragraph:
        content = "<table>" + "".join(f'<tr><td class="txt">{escape(p)}</td></tr>' for p in paragraphs) + "</table>"
    else:
        content = _paras(paragraphs)
    return (
        _head(lang, title, f.site)
        + '<body><table width="960" border="0" cellspacing="0" cellpadding="0">'
        + f'<tr><td colspan="2" class="top"><a href="/">{escape(f.site)}</a></td></tr>'
        + f'<tr><td class="left" width="200" valign="top">{_nav(f)}</td>'
        + f'<td class="main" valign="top"><h1>{escape(title)}</h1>\n{content}\n</td></tr>'
        + f'<tr><td colspan="2" class="bottom">{escape(f.footer)}</td></tr></table>'
        + f"<script>{SCRIPT}</script></body></html>"
    )


def aspnet_span(lang: str, title: str, paragraphs: tuple[str, ...], f: Furniture, teasers: tuple[str, ...]) -> str:
    """ASP.NET page whose body is one <span> of <br>-separated paragraphs, beside a teaser column."""
    body = "<br /><br />\n".join(escape(p) for p in paragraphs)
    column = "".join(
        f'<div class="box"><a href="/t{i}"><b>{escape(f.related[i % len(f.related)])}</b></a><br />{escape(t)}</div>'
        for i, t in enumerate(teasers)
    )
    return (
        _head(lang, title, f.site)
        + '<body><form name="aspnetForm" method="post" action="Detail.aspx?ID=88123" id="aspnetForm">'
        + '<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwULLTE2MTY2ODcyMjkPZBYCZg9kFgI=" />'
        + f'<div id="top"><a href="/">{escape(f.site)}</a>{_nav(f)}</div>'
        + f'<div id="left"><h1><span id="ctl00_cph_lblTitle">{escape(title)}</span></h1>'
        + f'<span id="ctl00_cph_lblBody">{body}</span></div>'
        + f'<div id="right">{column}</div>'
        + f'<div id="bottom">{escape(f.footer)}</div></form></body></html>'
    )


def form_in_content(lang: str, title: str, paragraphs: tuple[str, ...], f: Furniture, menu: tuple[str, ...]) -> str:
    """A mega menu outside, and a <form> that wraps only the content column (article and comments)."""
    mega = "".join(f'<li><a href="/m{i}">{escape(item)}</a></li>' for i, item in enumerate(menu))
    return (
        _head(lang, title, f.site)
        + f'<body><div class="megamenu"><ul>{mega}</ul></div><div class="wrap">'
        + f'<form id="form1" method="post" action="/article.aspx"><div class="content"><h1>{escape(title)}</h1>'
        + f'{_paras(paragraphs)}</div><div class="comments"><textarea name="c"></textarea>'
        + '<input type="submit" value="OK"></div></form></div>'
        + f'<div class="foot">{escape(f.footer)}</div></body></html>'
    )


def noscript_tables(lang: str, title: str, paragraphs: tuple[str, ...], f: Furniture) -> str:
    """A <noscript> copy whose article is itself laid out in a table."""
    page = table_layout(lang, title, paragraphs, f, breaks=True)
    start, end = page.index("<table"), page.rindex("</table>") + len("</table>")
    return page[:start] + '<div id="app"></div><noscript>' + page[start:end] + "</noscript>" + page[end:]


def _page(name: str, lang: str, layout: str, html: str, paragraphs: tuple[str, ...], f: Furniture,
          picks: tuple[int, ...] = (0, 2, -1), notes: str = "") -> Page:
    expected = tuple(_snippet(paragraphs[i]) for i in picks)
    return Page(name, lang, layout, html, expected, (*f.unwanted(), SCRIPT_UNWANTED), notes)


def _snippet(paragraph: str) -> str:
    """A distinctive run from the middle of a paragraph (60 characters, whole words)."""
    words = paragraph.split()
    middle = len(words) // 3
    out: list[str] = []
    for word in words[middle:]:
        out.append(word)
        if len(" ".join(out)) >= 60:
            break
    return " ".join(out)


# --------------------------------------------------------------------------------------------
# Texts

FR = Furniture(
    site="Le Quotidien du Sud",
    nav=("Accueil", "Politique", "Économie", "Société", "Sports", "Culture", "Se connecter"),
    footer="© Le Quotidien du Sud 2024 — Mentions légales — Politique de confidentialité — Gérer les cookies",
    cookie="Nous utilisons des cookies pour mesurer l'audience et personnaliser les publicités. Acceptez-vous ?",
    related_heading="Sur le même sujet",
    related=("Canicule : les préfets multiplient les arrêtés de restriction d'eau",
             "Les viticulteurs de l'Hérault redoutent une vendange précoce"),
    newsletter="Recevez chaque matin notre lettre d'information",
)
FR_TEXT = (
    "La préfecture de l'Aude a placé jeudi quarante-deux communes en alerte sécheresse renforcée, "
    "après un printemps où les pluies ont atteint à peine la moitié des normales de saison.",
    "Les agriculteurs ne pourront plus irriguer entre 10 heures et 18 heures, sauf pour les cultures "
    "maraîchères et les jeunes plantations, a précisé la direction départementale des territoires.",
    "« Nous savions que l'été serait difficile, mais pas dès le mois de mai », explique Hélène Castan, "
    "qui cultive vingt hectares de melons près de Castelnaudary et a déjà réduit ses semis d'un tiers.",
    "Le syndicat mixte des eaux rappelle que les nappes de la plaine sont à leur plus bas niveau "
    "depuis 2005 et demande aux particuliers de renoncer à remplir les piscines jusqu'à nouvel ordre.",
    "Un comité de suivi se réunira chaque semaine à Carcassonne pour ajuster les mesures, "
    "qui pourraient être étendues à tout le département si les orages annoncés ne viennent pas.",
)
FR2_TEXT = (
    "Le conseil municipal de Perpignan a adopté lundi soir un plan de rénovation de ses quatorze écoles "
    "primaires, pour un montant de trente-huit millions d'euros étalé sur six ans.",
    "Les travaux commenceront par l'isolation des toitures et le remplacement des chaudières au fioul, "
    "responsables selon la mairie de près de la moitié de la facture énergétique des bâtiments scolaires.",
    "L'opposition a voté contre, en jugeant le calendrier trop lent : « Les enfants qui entrent en CP "
    "cette année auront quitté l'école avant la fin du chantier », a lancé une conseillère.",
    "La ville compte sur une subvention de l'État et de la région pour financer un tiers de l'enveloppe, "
    "le reste devant être couvert par l'emprunt sans hausse des impôts locaux, promet le maire.",
)

EN = Furniture(
    site="The Harbour Gazette",
    nav=("Home", "News", "Business", "Opinion", "Sport", "Lifestyle", "Subscribe"),
    footer="Copyright 2024 Harbour Media Ltd. Registered in England No. 0492113. Terms and conditions apply.",
    cookie="We and our partners use cookies to personalise content and ads. Manage your preferences.",
    related_heading="Most read",
    related=("Council approves new harbour budget after six-hour meeting",
             "Fishing fleet stays in port for a third day as gales continue"),
    newsletter="Sign up to the morning briefing newsletter",
)
EN_TEXT = (
    "Ferry services between Dover and Calais were suspended on Tuesday afternoon after gusts of more than "
    "seventy miles an hour were recorded along the Kent coast, stranding hundreds of passengers.",
    "The port authority said it had closed the eastern docks as a precaution and expected crossings to "
    "resume overnight, although freight drivers were told to prepare for queues lasting into Wednesday.",
    "Meteorologists said the storm, the third named system of the autumn, was moving faster than forecast "
    "and would bring heavy rain to the south-west before clearing towards the North Sea by the weekend.",
    "Local businesses in the town centre reported a sharp drop in trade, with several cafés closing early "
    "because staff could not reach work on the suspended coastal bus routes.",
)
EN2_TEXT = (
    "The county council has agreed to buy the derelict Victoria Mill for one pound, ending a twelve-year "
    "dispute with its absentee owner over who should pay to make the listed building safe.",
    "Engineers estimate that repairs to the roof and the chimney will cost about four million pounds, "
    "money the council hopes to recover by converting the upper floors into forty affordable flats.",
    "Residents who had campaigned to save the mill welcomed the decision but warned that the ground floor "
    "must remain open to the public, as promised when the building was listed in 1987.",
)

DE = Furniture(
    site="Rheinische Rundschau",
    nav=("Startseite", "Politik", "Wirtschaft", "Kultur", "Sport", "Region", "Anmelden"),
    footer="Impressum · Datenschutz · Cookie-Einstellungen · © Rheinische Rundschau GmbH",
    related_heading="Mehr zum Thema",
    related=("Bahn streicht Verbindungen im Süden", "Pendler klagen über volle Regionalzüge"),
)
DE_TEXT = (
    "Die Stadt Köln will bis zum Jahr 2030 alle städtischen Busse auf Elektroantrieb umstellen und dafür "
    "in den kommenden fünf Jahren rund 240 Millionen Euro in neue Fahrzeuge und Ladestationen investieren.",
    "Der Rat stimmte dem Plan am Donnerstagabend mit großer Mehrheit zu, nur zwei Fraktionen enthielten "
    "sich, weil sie die Finanzierung der Betriebshöfe für noch nicht gesichert halten.",
    "Nach Angaben der Verkehrsbetriebe fahren bereits 53 Elektrobusse auf den Linien im Stadtzentrum, "
    "wo die Belastung mit Stickstoffdioxid zuletzt deutlich unter dem Grenzwert lag.",
    "Fahrgastverbände begrüßten die Entscheidung, forderten aber zugleich dichtere Takte in den Vororten, "
    "wo viele Linien am Wochenende nur stündlich verkehren.",
)

ES = Furniture(
    site="Diario del Levante",
    nav=("Portada", "Nacional", "Internacional", "Economía", "Deportes", "Contacto"),
    footer="Diario del Levante S.L. · Aviso legal · Política de privacidad · Todos los derechos reservados",
)
ES_TEXT = (
    "El Ayuntamiento de Valencia aprobó este martes un plan para plantar doce mil árboles en los barrios "
    "con menos sombra de la ciudad antes de que termine la legislatura.",
    "La concejala de Medio Ambiente explicó que las especies se han elegido por su resistencia a la sequía "
    "y que el riego se hará con agua regenerada de las depuradoras municipales.",
    "Los vecinos de Orriols y Benicalap, los barrios donde comenzarán las plantaciones, llevaban años "
    "reclamando zonas verdes para aliviar las olas de calor cada vez más frecuentes.",
    "La oposición criticó que el presupuesto no incluya el mantenimiento de los árboles durante los "
    "primeros años, cuando más cuidados necesitan para sobrevivir al verano.",
)

IT = Furniture(
    site="Gazzetta di Romagna",
    nav=("Home", "Cronaca", "Politica", "Economia", "Sport", "Meteo", "Abbonati"),
    footer="Gazzetta di Romagna srl — P.IVA 01234560397 — Tutti i diritti riservati — Privacy",
    related_heading="Leggi anche",
    related=("Alluvione, i rimborsi arrivano a rilento", "Cesena, riapre il ponte sul Savio"),
)
IT_TEXT = (
    "La Regione Emilia-Romagna ha stanziato quindici milioni di euro per rinforzare gli argini dei fiumi "
    "della Romagna, un anno dopo l'alluvione che ha colpito oltre cento comuni.",
    "I lavori partiranno in autunno dal Lamone e dal Montone, dove le rotture degli argini avevano "
    "allagato interi quartieri di Faenza e di Forlì in poche ore.",
    "I sindaci chiedono però tempi più rapidi per le autorizzazioni, che secondo loro rallentano "
    "ancora la ricostruzione delle case e delle strade danneggiate.",
)

NL = Furniture(
    site="Dagblad van het Noorden",
    nav=("Voorpagina", "Binnenland", "Buitenland", "Economie", "Sport", "Inloggen"),
    footer="© Dagblad van het Noorden — Privacyverklaring — Cookiebeleid — Algemene voorwaarden",
    cookie="Wij gebruiken cookies om de website te verbeteren en advertenties te tonen. Akkoord?",
    related_heading="Lees ook",
    related=("Kabinet trekt extra geld uit voor dijken", "Droogte treft boeren in het oosten"),
)
NL_TEXT = (
    "De provincie Groningen trekt de komende vier jaar tachtig miljoen euro uit voor het versterken van "
    "woningen in het aardbevingsgebied rond Loppersum en Appingedam.",
    "Volgens de gedeputeerde moeten de eerste bewoners nog dit jaar een aanbod krijgen, nadat velen "
    "van hen al meer dan vijf jaar wachten op een beoordeling van hun huis.",
    "Bewonersorganisaties noemen het plan een stap in de goede richting, maar vrezen dat een tekort "
    "aan aannemers de uitvoering opnieuw zal vertragen.",
)
NL_TABLE = (
    "<table class=\"data\"><thead><tr><th>Gemeente</th><th>Woningen</th><th>Budget</th></tr></thead>"
    "<tbody><tr><td>Loppersum</td><td>1.240</td><td>32 miljoen</td></tr>"
    "<tr><td>Appingedam</td><td>980</td><td>27 miljoen</td></tr></tbody></table>"
)

RU = Furniture(
    site="Северные вести",
    nav=("Главная", "Политика", "Экономика", "Общество", "Спорт", "Войти"),
    footer="© Северные вести, 2024. Все права защищены. Политика конфиденциальности.",
    related_heading="Читайте также",
    related=("В Архангельске открыли новый мост через Двину", "Цены на такси выросли на треть"),
    cookie="Мы используем файлы cookie, чтобы сайт работал лучше. Продолжая, вы соглашаетесь.",
)
RU_TEXT = (
    "Власти Мурманской области объявили о запуске круглогодичного автобусного сообщения с посёлками "
    "Терского берега, которые до сих пор зимой оставались отрезанными от райцентра.",
    "Как сообщили в региональном министерстве транспорта, на маршрут выйдут шесть новых автобусов "
    "повышенной проходимости, а дорогу будут расчищать ежедневно.",
    "Жители посёлков много лет добивались регулярного транспорта: до сих пор добраться до больницы "
    "в Умбе зимой можно было только на снегоходе или попутной машине.",
    "Первый рейс по новому расписанию запланирован на начало декабря, билет будет стоить столько же, "
    "сколько на пригородных маршрутах.",
)

UK = Furniture(
    site="Західний кур'єр",
    nav=("Головна", "Новини", "Економіка", "Культура", "Спорт", "Увійти"),
    footer="© Західний кур'єр. Усі права захищено. Використання матеріалів — з посиланням.",
)
UK_TEXT = (
    "Львівська міська рада ухвалила програму відновлення історичних дерев'яних церков області, "
    "на яку впродовж трьох років планують спрямувати двадцять мільйонів гривень.",
    "За словами керівника управління охорони спадщини, першочергово відремонтують дахи та фундаменти "
    "храмів, яким загрожує руйнування вже найближчої зими.",
    "Громади сіл, де розташовані церкви, мають узяти на себе частину витрат і подбати про охорону "
    "будівель після завершення робіт.",
)

PL = Furniture(
    site="Gazeta Pomorska Dziś",
    nav=("Strona główna", "Region", "Kraj", "Świat", "Sport", "Kontakt"),
    footer="Wszelkie prawa zastrzeżone © Gazeta Pomorska Dziś. Regulamin serwisu.",
)
PL_TEXT = (
    "Zarząd województwa pomorskiego przeznaczy sto dwadzieścia milionów złotych na modernizację linii "
    "kolejowej z Gdyni do Kościerzyny, która od lat należy do najwolniejszych w regionie.",
    "Po zakończeniu prac pociągi mają jeździć z prędkością do stu dwudziestu kilometrów na godzinę, "
    "a czas przejazdu skróci się o prawie pół godziny.",
    "Mieszkańcy Kaszub od dawna skarżyli się na opóźnienia i odwołane kursy, przez które wielu z nich "
    "zrezygnowało z dojazdów koleją do pracy w Trójmieście.",
)

AR = Furniture(
    site="صحيفة الخليج اليوم",
    nav=("الرئيسية", "سياسة", "اقتصاد", "رياضة", "ثقافة", "اتصل بنا"),
    footer="جميع الحقوق محفوظة لصحيفة الخليج اليوم ٢٠٢٤ سياسة الخصوصية",
    related_heading="اقرأ أيضا",
    related=("افتتاح معرض الكتاب الدولي بمشاركة واسعة", "ارتفاع أسعار الذهب في الأسواق المحلية"),
)
AR_TEXT = (
    "أعلنت وزارة الكهرباء والماء عن خطة لإنشاء ثلاث محطات جديدة لتحلية مياه البحر على الساحل الشرقي "
    "بهدف تلبية الطلب المتزايد على المياه خلال فصل الصيف.",
    "وقال وكيل الوزارة في مؤتمر صحفي إن المحطات ستعمل بالطاقة الشمسية جزئيا، مما سيخفض استهلاك "
    "الوقود بنسبة تصل إلى الثلث مقارنة بالمحطات الحالية.",
    "ومن المتوقع أن تبدأ أعمال البناء في مطلع العام المقبل على أن تدخل المحطة الأولى الخدمة "
    "خلال ثلاث سنوات من توقيع العقود مع الشركات المنفذة.",
)

ZH = Furniture(
    site="江南日报网",
    nav=("首页", "新闻", "财经", "体育", "文化", "登录"),
    footer="版权所有 江南日报网 未经授权禁止转载 沪ICP备12345678号",
    related_heading="相关阅读",
    related=("杭州地铁新线路年底开通", "长三角高铁客流创新高"),
)
ZH_TEXT = (
    "苏州市政府周二宣布，将在未来三年内投入四十亿元，对古城区的老旧小区进行全面改造，涉及居民约两万户。",
    "改造内容包括加装电梯、更新供水管网和增加停车位，部分历史建筑将按照原貌进行修缮，以保护古城风貌。",
    "市住建局负责人表示，改造方案将充分征求居民意见，施工期间会尽量减少对居民日常生活的影响。",
)

JA = Furniture(
    site="北海道日日新聞",
    nav=("トップ", "政治", "経済", "社会", "スポーツ", "お問い合わせ"),
    footer="Copyright © 北海道日日新聞社 無断転載を禁じます 個人情報の取り扱い",
)
JA_TEXT = (
    "札幌市は十日、冬季の除雪体制を強化するため、新たに除雪車三十台を導入すると発表した。"
    "昨シーズンは記録的な大雪で市内の交通が数日間にわたって混乱していた。",
    "市によると、新しい除雪車は住宅街の狭い道路でも作業できる小型のもので、"
    "これまで後回しになりがちだった生活道路の除雪を早める狙いがある。",
    "市民からは歓迎の声が上がる一方、除雪作業員の確保が課題だとの指摘もあり、"
    "市は運転手の待遇改善も検討している。",
)

TR = Furniture(
    site="Ege Haber Merkezi",
    nav=("Anasayfa", "Gündem", "Ekonomi", "Spor", "Yaşam", "İletişim"),
    footer="Tüm hakları saklıdır © Ege Haber Merkezi. Künye ve gizlilik politikası.",
    related_heading="İlgili Haberler",
    related=("İzmir'de toplu ulaşıma yeni düzenleme", "Kordon'da bisiklet yolu uzatılıyor"),
)
TR_TEXT = (
    "İzmir Büyükşehir Belediyesi, körfezdeki kirliliği azaltmak için üç yeni atık su arıtma tesisi "
    "kuracağını açıkladı ve projenin toplam maliyetinin iki milyar lira olacağını belirtti.",
    "Belediye başkanı, tesislerin tamamlanmasıyla körfeze arıtılmadan akan suyun büyük ölçüde "
    "önleneceğini ve yüzülebilir bir körfez hedefine yaklaşılacağını söyledi.",
    "Çevre örgütleri projeyi olumlu karşılarken, sanayi bölgelerindeki denetimlerin de "
    "artırılması gerektiğini vurguladı.",
)

SV = Furniture(
    site="Norrlandsposten",
    nav=("Start", "Nyheter", "Ekonomi", "Sport", "Kultur", "Logga in"),
    footer="Ansvarig utgivare: Karin Lund. © Norrlandsposten AB. Personuppgiftspolicy.",
    cookie="Vi använder kakor för att ge dig en bättre upplevelse. Godkänn alla kakor?",
    related_heading="Läs också",
    related=("Ny bro över Umeälven invigd", "Flygbolag lägger ner linje till Kiruna"),
)
SV_TEXT = (
    "Region Västerbotten ska bygga en ny vårdcentral i Lycksele för att korta väntetiderna för "
    "invånarna i de västra delarna av länet, meddelade regionstyrelsen på tisdagen.",
    "Bygget beräknas kosta omkring nittio miljoner kronor och vårdcentralen ska stå klar hösten 2026, "
    "med plats för både läkare, sjuksköterskor och en barnavårdscentral.",
    "Många patienter har i dag över tio mil till närmaste vårdcentral med jourtider, och kommunen "
    "har länge drivit frågan om bättre vård i inlandet.",
)


FI = Furniture(
    site="Pohjolan Sanomat",
    nav=("Etusivu", "Kotimaa", "Ulkomaat", "Talous", "Urheilu", "Kirjaudu"),
    footer="© Pohjolan Sanomat Oy. Tietosuojaseloste. Evästeasetukset.",
    related_heading="Luetuimmat",
    related=("Oulun uusi silta avataan syksyllä", "Rovaniemen matkailu ennätyslukemiin"),
)
FI_TEXT = (
    "Oulun kaupunki aikoo rakentaa Hiukkavaaran alueelle uuden koulun, johon mahtuu noin kahdeksansataa "
    "oppilasta, kertoi kaupunginhallitus maanantaina.",
    "Koulun rakentaminen alkaa ensi keväänä, ja sen arvioidaan maksavan noin neljäkymmentä miljoonaa euroa. "
    "Rakennukseen tulee myös kirjasto ja nuorisotila.",
    "Alueen asukkaat ovat odottaneet koulua pitkään, sillä monet lapset kulkevat nyt bussilla yli "
    "kymmenen kilometrin matkan kouluun keskustaan.",
)
TEASERS_TR = (
    "Belediye meclisi yeni otobüs hatlarını onayladı, hatlar önümüzdeki ay hizmete girecek.",
    "Sahil boyunca yapılan bisiklet yolu iki kilometre daha uzatılarak Karşıyaka'ya bağlanacak.",
)
TEASERS_EN = (
    "Councillors approved the harbour budget after a six-hour meeting that ran past midnight.",
    "The fishing fleet stayed in port for a third day as gales continued along the coast.",
)
MEGA_MENU_DE = tuple(
    f"{section} {topic}"
    for section in ("Politik", "Wirtschaft", "Kultur", "Sport", "Region", "Wissen")
    for topic in ("aktuell", "Hintergrund", "Analyse", "Interview", "Kommentar", "Video", "Bilder", "Dossier",
                  "Newsletter", "Podcast", "Archiv", "Leserbriefe", "Termine", "Liveticker")
)


def _build() -> tuple[Page, ...]:
    pages = [
        _page("fr-modern", "fr", "modern", modern("fr", "Sécheresse : quarante-deux communes de l'Aude en alerte renforcée", FR_TEXT, FR), FR_TEXT, FR),
        _page("fr-aspnet", "fr", "aspnet form", aspnet("fr", "Perpignan lance la rénovation de ses écoles", FR2_TEXT, FR), FR2_TEXT, FR),
        _page("en-modern", "en", "modern", modern("en", "Gales halt Channel ferries as storm sweeps Kent coast", EN_TEXT, EN), EN_TEXT, EN),
        _page("en-aspnet-tables", "en", "aspnet form + table layout", aspnet("en", "Council buys Victoria Mill for one pound", EN2_TEXT, EN, tables=True), EN2_TEXT, EN),
        _page("de-noscript", "de", "noscript", noscript("de", "Köln stellt alle Busse auf Elektroantrieb um", DE_TEXT, DE), DE_TEXT, DE),
        _page("de-modern-div", "de", "modern, div paragraphs", modern("de", "Köln stellt alle Busse auf Elektroantrieb um", DE_TEXT, DE, paragraph_tag="div"), DE_TEXT, DE),
        _page("es-tables", "es", "table layout", table_layout("es", "Valencia plantará doce mil árboles", ES_TEXT, ES), ES_TEXT, ES),
        _page("es-tables-cells", "es", "table layout, one cell per paragraph", table_layout("es", "Valencia plantará doce mil árboles", ES_TEXT, ES, cell_per_paragraph=True), ES_TEXT, ES),
        _page("it-aspnet-tables", "it", "aspnet form + table layout", aspnet("it", "Romagna, quindici milioni per gli argini", IT_TEXT, IT, tables=True), IT_TEXT, IT),
        _page("nl-modern-table", "nl", "modern, data table", modern("nl", "Groningen versterkt huizen in bevingsgebied", NL_TEXT, NL).replace(_paras(NL_TEXT[1:2]), _paras(NL_TEXT[1:2]) + NL_TABLE), NL_TEXT, NL),
        _page("ru-modern", "ru", "modern", modern("ru", "На Терский берег пустят круглогодичные автобусы", RU_TEXT, RU), RU_TEXT, RU),
        _page("uk-noscript", "uk", "noscript", noscript("uk", "Львів відновить дерев'яні церкви", UK_TEXT, UK), UK_TEXT, UK),
        _page("pl-tables-br", "pl", "table layout, <br> paragraphs", table_layout("pl", "Szybsza kolej na Kaszuby", PL_TEXT, PL, breaks=True), PL_TEXT, PL),
        _page("ar-modern-rtl", "ar", "modern, rtl", modern("ar", "ثلاث محطات جديدة لتحلية المياه", AR_TEXT, AR, direction="rtl"), AR_TEXT, AR),
        _page("zh-modern-div", "zh", "modern, div paragraphs", modern("zh", "苏州古城老旧小区全面改造", ZH_TEXT, ZH, paragraph_tag="div"), ZH_TEXT, ZH),
        _page("ja-tables", "ja", "table layout, one cell per paragraph", table_layout("ja", "札幌市、除雪車三十台を導入", JA_TEXT, JA, cell_per_paragraph=True), JA_TEXT, JA),
        _page("tr-aspnet", "tr", "aspnet form", aspnet("tr", "İzmir körfezi için üç yeni arıtma tesisi", TR_TEXT, TR), TR_TEXT, TR),
        _page("sv-modern", "sv", "modern", modern("sv", "Ny vårdcentral byggs i Lycksele", SV_TEXT, SV), SV_TEXT, SV),
        _page("fr-noscript", "fr", "noscript", noscript("fr", "Sécheresse : quarante-deux communes de l'Aude en alerte renforcée", FR_TEXT, FR), FR_TEXT, FR),
        _page("tr-aspnet-span", "tr", "aspnet form, <span> body, teaser column",
              aspnet_span("tr", "İzmir körfezi için üç yeni arıtma tesisi", TR_TEXT, TR, TEASERS_TR), TR_TEXT, TR),
        _page("en-aspnet-span", "en", "aspnet form, <span> body, teaser column",
              aspnet_span("en", "Council buys Victoria Mill for one pound", EN2_TEXT, EN, TEASERS_EN), EN2_TEXT, EN),
        _page("de-form-content", "de", "form around the content only, mega menu",
              form_in_content("de", "Köln stellt alle Busse auf Elektroantrieb um", DE_TEXT, DE, MEGA_MENU_DE), DE_TEXT, DE),
        _page("fi-noscript-tables", "fi", "noscript + table layout", noscript_tables("fi", "Hiukkavaaraan uusi koulu", FI_TEXT, FI), FI_TEXT, FI),
        _page("fi-modern", "fi", "modern", modern("fi", "Hiukkavaaraan uusi koulu", FI_TEXT, FI), FI_TEXT, FI),
    ]
    # The data table of the Dutch page is article text too.
    nl = pages[9]
    pages[9] = Page(nl.name, nl.lang, nl.layout, nl.html, (*nl.expected, "27 miljoen"), nl.unwanted, nl.notes)
    # Teaser columns and mega menus are furniture too.
    extra = {"tr-aspnet-span": TEASERS_TR[:1], "en-aspnet-span": TEASERS_EN[:1], "de-form-content": MEGA_MENU_DE[8:10]}
    pages = [Page(p.name, p.lang, p.layout, p.html, p.expected, (*p.unwanted, *extra.get(p.name, ())), p.notes) for p in pages]
    return tuple(pages)


PAGES: tuple[Page, ...] = _build()
