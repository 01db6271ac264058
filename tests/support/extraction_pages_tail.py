"""Real-shaped news pages for the two classes of extraction loss in issue 25.

1. Text after the article that is not the article ("precision"): comment and forum threads,
   "things you need to know" link lists, "more stories" / trending / recommended / related-video
   blocks, author blocks, score tables, newsletter and paywall promos inside the article's
   container.
2. Article bodies cut short ("recall"): magazine bodies split across sibling containers with ads,
   pull quotes and embeds between them, and templates that lazy-render later paragraphs into
   another block.

Each page copies the markup habits of a family of real templates (WordPress, Drupal, Arc,
a Condé-Nast-style magazine, local-TV and newspaper CMSs, a forum rendered into the page), with
class names, nesting and languages varied so that no one name or language carries a rule.  The
texts are written for these tests.  ``expected`` holds *every* paragraph of the article (so that
recall is measured on the whole body), ``unwanted`` a line of each block that must stay out.

Used by ``tests/inputs/test_extraction_pages.py`` and ``benchmarks/extraction.py`` through
:data:`tests.support.extraction_corpus.ALL_PAGES`.
"""

from __future__ import annotations

import json
from html import escape

from tests.support.extraction_pages import SCRIPT, SCRIPT_UNWANTED, Page

#: The layout label of every page here names its class; the tests check each class is covered.
CLASSES = (
    "comments", "forum thread", "link list", "more stories", "trending", "related video",
    "author block", "score table", "newsletter promo", "paywall promo", "split body", "lazy body",
    "json-ld",
)


def _p(paragraphs: tuple[str, ...], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return "".join(f"<p{attr}>{escape(p)}</p>\n" for p in paragraphs)


def _links(items: tuple[str, ...], prefix: str = "/a") -> str:
    return "".join(f'<li><a href="{prefix}{i}">{escape(t)}</a></li>' for i, t in enumerate(items))


def _shell(lang: str, title: str, site: str, nav: tuple[str, ...], main: str, footer: str, *,
           direction: str = "ltr", head: str = "", body_class: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
        f"<title>{escape(title)} – {escape(site)}</title>"
        f'<meta property="og:title" content="{escape(title)}"><meta property="og:site_name" content="{escape(site)}">'
        f"{head}<script>{SCRIPT}</script></head>\n"
        f'<body class="{body_class}"><header class="masthead"><a href="/" class="brand">{escape(site)}</a>'
        f'<nav aria-label="main"><ul>{_links(nav, "/s")}</ul></nav></header>\n'
        f"{main}\n"
        f'<footer class="site-footer"><p>{escape(footer)}</p></footer>'
        f'<script src="/js/app.js"></script></body></html>'
    )


def _json_ld(title: str, body: tuple[str, ...], author: str) -> str:
    data = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
        "author": {"@type": "Person", "name": author}, "datePublished": "2025-03-14T07:30:00+01:00",
        "articleBody": " ".join(body),
    }
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


# --------------------------------------------------------------------------- 1. comment thread in the article (Viafoura-style, fr)

FR_TITLE = "À Brest, le chantier naval relance la construction de thoniers"
FR_BODY = (
    "Le chantier naval Piriou, installé sur le port de commerce de Brest, a signé mardi une commande de quatre thoniers senneurs de quatre-vingts mètres pour un armateur basé à Concarneau.",
    "Les navires seront assemblés entre 2026 et 2028 dans la grande forme de radoub, fermée depuis trois ans faute de commandes, ce qui devrait occuper près de deux cents salariés.",
    "« Nous n'avions plus construit de coque de cette taille à Brest depuis 2011 », rappelle le directeur du site, qui prévoit d'embaucher une quarantaine de soudeurs et de chaudronniers.",
    "La région Bretagne apporte une garantie d'emprunt de douze millions d'euros, et la métropole s'est engagée à remettre en état les portes de la forme avant l'été.",
    "Les syndicats saluent une bonne nouvelle mais demandent que les sous-traitants locaux soient prioritaires pour l'électricité de bord et la tuyauterie.",
)
FR_COMMENTS = (
    "Enfin une bonne nouvelle pour le port, mon grand-père travaillait déjà dans cette forme de radoub dans les années soixante et il serait content de la voir revivre.",
    "Quarante embauches c'est bien, mais combien de ces soudeurs seront des intérimaires venus d'ailleurs ? On a déjà vu ce film avec le chantier précédent.",
    "Il faudrait aussi parler de la pêche au thon elle-même : ces navires vont pêcher dans l'océan Indien, pas au large de la Bretagne, ce qu'oublie de préciser l'article.",
)


def viafoura_comments() -> str:
    comments = "".join(
        f'<div class="vf-comment-container"><div class="vf-comment" data-id="{812 + i}">'
        f'<div class="vf-comment-header"><span class="vf-author-name">{name}</span>'
        f'<time class="vf-timestamp" datetime="2025-03-1{i}T09:12:00+01:00">il y a {i + 2} h</time></div>'
        f'<div class="vf-content"><p>{escape(text)}</p></div>'
        f'<div class="vf-comment-actions"><button>Répondre</button><button>J\'aime</button></div></div></div>'
        for i, (name, text) in enumerate(zip(("Yann K.", "marie29", "Loïc Le Gall"), FR_COMMENTS))
    )
    main = (
        '<div id="primary"><main id="main" class="site-main">'
        '<article id="post-48213" class="fiche-article">'
        f'<header class="entete"><h1 class="titre">{escape(FR_TITLE)}</h1>'
        '<div class="meta"><span class="date">14 mars 2025</span></div></header>'
        f'<div class="texte">{_p(FR_BODY)}</div>'
        '<div class="viafoura"><div class="vf-conversations"><h2 class="vf-title">3 réactions</h2>'
        f'<div class="vf-list">{comments}</div>'
        '<div class="vf-new"><textarea placeholder="Laisser un commentaire"></textarea></div></div></div>'
        "</article></main></div>"
    )
    return _shell("fr", FR_TITLE, "Le Télégramme du Ponant", ("Brest", "Quimper", "Morlaix", "Sports"), main,
                  "© Le Télégramme du Ponant – Mentions légales – Nous contacter")


# --------------------------------------------------------------------------- 2. forum thread, no "comment" in the markup (de)

DE_TITLE = "Freiburg baut den Radweg an der Dreisam aus"
DE_BODY = (
    "Die Stadt Freiburg will den Radweg entlang der Dreisam zwischen der Stadthalle und dem Sandfangweg auf vier Meter verbreitern und nachts beleuchten.",
    "Der Gemeinderat hat am Dienstag mit großer Mehrheit zugestimmt; die Arbeiten sollen im Herbst beginnen und gut elf Monate dauern.",
    "Nach Zählungen des Garten- und Tiefbauamts fahren an Werktagen bis zu elftausend Radfahrerinnen und Radfahrer über die Strecke, doppelt so viele wie vor zehn Jahren.",
    "Für Fußgänger soll ein eigener, durch einen Grünstreifen abgetrennter Weg entstehen, damit es an den Engstellen unter den Brücken weniger Konflikte gibt.",
    "Die Kosten von rund 6,4 Millionen Euro trägt zu zwei Dritteln das Land Baden-Württemberg aus seinem Förderprogramm für Radschnellverbindungen.",
)
DE_POSTS = (
    ("radler_79", "Endlich! Unter der Kronenbrücke wird es morgens so eng, dass man absteigen muss, und die Beleuchtung fehlt dort seit Jahren völlig."),
    ("Wiehremer", "Elf Monate Bauzeit an der wichtigsten Strecke der Stadt, und eine Umleitung hat bisher niemand vorgestellt. Das wird ein langer Winter."),
    ("G. Baumann", "Ich laufe dort jeden Morgen mit dem Hund und finde die Trennung gut, solange die Bäume am Ufer stehen bleiben dürfen."),
    ("stadtbahnfan", "Sechs Millionen für einen Radweg, während die Linie 5 immer noch auf ihre Verlängerung wartet. Prioritäten setzen sieht anders aus."),
)


def forum_thread() -> str:
    posts = "".join(
        f'<div class="lf-entry" data-id="{9041 + i}"><div class="lf-entry__head"><span class="lf-user">{escape(user)}</span>'
        f'<time class="lf-time" datetime="2025-03-12T1{i}:05:00+01:00">12.03.2025, 1{i}:05 Uhr</time></div>'
        f'<div class="lf-entry__text">{escape(text)}</div>'
        f'<div class="lf-entry__actions"><button>Antworten</button><button>Melden</button><span>{4 + i} Empfehlungen</span></div></div>'
        for i, (user, text) in enumerate(DE_POSTS)
    )
    main = (
        '<div class="page"><div class="main-content"><div class="artikel">'
        f'<h1>{escape(DE_TITLE)}</h1><p class="artikel__meta">Von Jana Keller · 12. März 2025</p>'
        f'<div class="artikel__inhalt">{_p(DE_BODY)}</div></div>'
        f'<div id="leserforum" class="lf"><h2 class="lf__title">Leserforum (4 Beiträge)</h2>{posts}'
        '<a class="lf__more" href="/forum/9041">Alle Beiträge anzeigen</a></div></div></div>'
    )
    return _shell("de", DE_TITLE, "Badische Rundschau", ("Freiburg", "Region", "Sport", "Kultur"), main,
                  "Badische Rundschau GmbH · Impressum · Datenschutz · AGB")


# --------------------------------------------------------------------------- 3. link list inside the body (en)

EN_TITLE = "Heat pumps: Leeds council fits 1,200 flats before winter"
EN_BODY = (
    "Leeds City Council has finished fitting air-source heat pumps to 1,200 flats in six tower blocks in Little London, two months ahead of its schedule.",
    "Tenants had complained for years about the blocks' night-storage heaters, which the council says cost some households more than £1,900 a year to run.",
    "Early meter readings from the first two blocks suggest bills have fallen by about a third since October, although officials caution that the winter has been mild.",
    "The £14m scheme was paid for by the government's Social Housing Decarbonisation Fund, with the council adding £3m from its housing revenue account.",
    "A second phase covering another nine blocks in Seacroft and Armley is due to start in April, subject to a decision by the executive board next month.",
)
EN_LIST = (
    "Rail strike called off after late-night talks",
    "What the budget means for your council tax",
    "Storm warning for the Yorkshire Dales on Friday",
    "Hospital waiting lists fall for third month",
    "City centre bus lanes to open in the summer",
    "Leeds Rhinos sign New Zealand forward",
    "Opening date set for the new Kirkgate market hall",
    "Police appeal after burglary spree in Headingley",
    "Universities warn of fall in overseas students",
    "Six new cycle hangars for terraced streets",
)


def link_list() -> str:
    main = (
        '<main id="main-content"><article class="story"><div class="story__header">'
        f'<h1 class="story__headline">{escape(EN_TITLE)}</h1><p class="story__byline">By Priya Shah, Local Democracy Reporter</p></div>'
        '<div class="story__body rich-text">'
        f"{_p(EN_BODY[:3])}"
        f"{_p(EN_BODY[3:])}"
        '<div class="rich-text__module"><h2>10 things you need to know today</h2>'
        f'<ol class="headline-list">{_links(EN_LIST, "/news/")}</ol></div>'
        "</div></article></main>"
    )
    return _shell("en", EN_TITLE, "Yorkshire Evening Star", ("News", "Sport", "What's on", "Jobs"), main,
                  "Yorkshire Evening Star Ltd. All rights reserved. Terms and conditions.")


# --------------------------------------------------------------------------- 4. Arc template, more stories / trending (es)

ES_TITLE = "Sevilla abrirá cinco refugios climáticos en colegios este verano"
ES_BODY = (
    "El Ayuntamiento de Sevilla abrirá este verano cinco patios escolares como refugios climáticos, con sombra, fuentes de agua y bancos, para los vecinos que no tengan aire acondicionado en casa.",
    "Los colegios elegidos están en Cerro-Amate, Polígono Sur, Macarena, Triana y Bellavista, los barrios donde el mapa de calor municipal registró las temperaturas nocturnas más altas.",
    "Los patios permanecerán abiertos de once de la mañana a nueve de la noche entre el 15 de junio y el 15 de septiembre, atendidos por monitores contratados para la ocasión.",
    "La delegada de Medio Ambiente explicó que el plan cuesta 870.000 euros e incluye toldos permanentes y la plantación de doscientos árboles de sombra en los recreos.",
    "Las asociaciones de vecinos reclaman que la red llegue también a los centros cívicos, que ya tienen climatización y podrían abrir por las tardes sin grandes obras.",
)
ES_MORE = (
    ("La Junta adelanta la campaña de incendios por la sequía", "Los retenes estarán operativos desde el 1 de mayo en toda Andalucía."),
    ("Obras en la Ronda Histórica: cortes de tráfico hasta julio", "El Ayuntamiento recomienda usar el metro y las líneas circulares."),
    ("El Betis presenta su nueva equipación en la Plaza de España", "Cientos de aficionados asistieron al acto pese al calor."),
)
ES_TRENDING = (
    "Dónde ver las procesiones del Domingo de Ramos",
    "El precio del alquiler sube un 11 % en Sevilla capital",
    "Cierra la última librería de la calle Feria",
    "Horarios de Tussam para la Semana Santa",
    "Nuevo radar en la avenida de Kansas City",
)


def arc_more_stories() -> str:
    cards = "".join(
        f'<div class="c-story-card"><a class="c-story-card__link" href="/sevilla/{i}"><h3 class="c-heading">{escape(h)}</h3></a>'
        f'<p class="c-story-card__desc">{escape(d)}</p></div>'
        for i, (h, d) in enumerate(ES_MORE)
    )
    trending = "".join(f'<li class="c-list__item"><span class="c-list__num">{i + 1}</span><a href="/t/{i}">{escape(t)}</a></li>'
                       for i, t in enumerate(ES_TRENDING))
    main = (
        '<div id="fusion-app" class="layout-section"><div class="b-single-chain"><article class="b-article-body-wrapper">'
        f'<h1 class="b-headline">{escape(ES_TITLE)}</h1><div class="b-byline">Por Lucía Moreno</div>'
        f'<div class="b-article-body">{_p(ES_BODY, "c-paragraph")}'
        f'<div class="b-results-list" data-fusion-component="more-stories"><h2 class="c-heading">Más noticias</h2>{cards}</div></div></article>'
        f'<div class="b-top-table-list"><h2 class="c-heading">Lo más leído</h2><ol class="c-list">{trending}</ol></div>'
        "</div></div>"
    )
    return _shell("es", ES_TITLE, "Diario de Sevilla Hoy", ("Sevilla", "Andalucía", "Deportes", "Opinión"), main,
                  "Diario de Sevilla Hoy S.L. · Aviso legal · Política de cookies")


# --------------------------------------------------------------------------- 5. author block, more from this author (ru)

RU_TITLE = "В Казани откроют новую линию метро до Азино"
RU_BODY = (
    "Власти Казани утвердили проект второй линии метро, которая соединит центр города с микрорайоном Азино и пройдёт под улицей Проспект Победы.",
    "Первый участок длиной семь километров с пятью станциями планируют открыть в 2028 году, строительство тоннелей начнётся уже этой осенью.",
    "По расчётам городского транспортного управления, новая линия будет перевозить до ста двадцати тысяч пассажиров в сутки и разгрузит автобусные маршруты на востоке города.",
    "Стоимость первого участка оценивается в сорок восемь миллиардов рублей, большую часть средств выделит федеральный бюджет в рамках инфраструктурных кредитов.",
    "Жители Азино давно просили продлить метро: сейчас дорога до центра в часы пик занимает у них больше часа.",
)
RU_AUTHOR = "Ирина Сафина — корреспондент отдела городских новостей, пишет о транспорте и градостроительстве с 2016 года."
RU_MORE = (
    "Как изменятся трамвайные маршруты после ремонта на Баумана",
    "Почему в Казани подорожал проезд в электричках",
    "Новый мост через Казанку: что известно о проекте",
    "Аэропорт Казани откроет второй терминал",
)


def author_block() -> str:
    main = (
        '<div class="container"><div class="article-page"><article class="material">'
        f'<h1 class="material__title">{escape(RU_TITLE)}</h1><div class="material__date">14 марта 2025, 10:40</div>'
        f'<div class="material__text">{_p(RU_BODY)}</div>'
        '<div class="material__author author-card"><img src="/i/a.jpg" alt=""><div class="author-card__info">'
        f'<a class="author-card__name" href="/authors/safina">Ирина Сафина</a><p class="author-card__bio">{escape(RU_AUTHOR)}</p></div></div>'
        f'<div class="material__more"><div class="more-title">Другие материалы автора</div><ul>{_links(RU_MORE, "/news/")}</ul></div>'
        "</article></div></div>"
    )
    return _shell("ru", RU_TITLE, "Казанские ведомости", ("Новости", "Город", "Экономика", "Спорт"), main,
                  "© Казанские ведомости. Все права защищены. Перепечатка только с разрешения редакции.")


# --------------------------------------------------------------------------- 6. sports, score tables (it)

IT_TITLE = "Il Cagliari rimonta a Verona e si allontana dalla zona retrocessione"
IT_BODY = (
    "Il Cagliari ha vinto 2-1 al Bentegodi rimontando nel secondo tempo il gol iniziale di Tengstedt, e ora ha sei punti di vantaggio sulla terzultima in classifica.",
    "I sardi erano andati sotto al ventesimo minuto dopo un errore in uscita del portiere, ma nella ripresa l'allenatore ha cambiato modulo inserendo due punte.",
    "Il pareggio è arrivato su calcio d'angolo con un colpo di testa di Luvumbo, mentre il gol della vittoria è stato segnato da Piccoli a cinque minuti dalla fine.",
    "«Abbiamo dimostrato carattere in un campo difficile», ha detto il tecnico in conferenza stampa, annunciando che domenica contro il Torino mancheranno due titolari squalificati.",
)


def score_tables() -> str:
    results = (("Verona", "Cagliari", "1-2"), ("Lecce", "Empoli", "0-0"), ("Parma", "Como", "2-3"), ("Venezia", "Monza", "1-1"))
    standings = (("Lecce", 29, 31), ("Cagliari", 29, 30), ("Empoli", 29, 25), ("Venezia", 29, 24), ("Monza", 29, 18))
    res = "".join(f"<tr><td>{h}</td><td class='score'>{s}</td><td>{a}</td></tr>" for h, a, s in results)
    table = "".join(f"<tr><td>{i + 1}</td><td>{t}</td><td>{g}</td><td>{p}</td></tr>" for i, (t, g, p) in enumerate(standings))
    main = (
        '<main><div class="article-wrap"><article class="article">'
        f'<h1 class="article__title">{escape(IT_TITLE)}</h1>'
        f'<div class="article__body">{_p(IT_BODY)}'
        '<div class="widget widget--risultati"><h3>Risultati della 29ª giornata</h3>'
        f'<table class="match-results"><tbody>{res}</tbody></table></div></div></article>'
        '<section class="sidebar-block standings-widget"><h3>Classifica Serie A</h3>'
        f'<table class="league-table"><thead><tr><th>#</th><th>Squadra</th><th>G</th><th>Pt</th></tr></thead><tbody>{table}</tbody></table>'
        "</section></div></main>"
    )
    return _shell("it", IT_TITLE, "La Gazzetta dell'Isola", ("Calcio", "Basket", "Motori", "Altri sport"), main,
                  "La Gazzetta dell'Isola – P.IVA 01234560921 – Tutti i diritti riservati")


# --------------------------------------------------------------------------- 7. newsletter and paywall promos inside the body (pt)

PT_TITLE = "Porto vai plantar mil árvores nas escolas da cidade até ao fim do ano"
PT_BODY = (
    "A Câmara Municipal do Porto vai plantar mil árvores nos recreios de vinte e três escolas básicas até ao fim do ano, num investimento de 1,2 milhões de euros.",
    "O objetivo é baixar a temperatura dos pátios, que em julho passado chegou a ultrapassar os quarenta e cinco graus ao sol em algumas escolas de Campanhã.",
    "As espécies escolhidas são sobretudo autóctones, como o carvalho-alvarinho e o freixo, e serão plantadas com a ajuda dos alunos e dos encarregados de educação.",
    "A vereadora do Ambiente explicou que cada escola terá um plano de rega gota a gota, alimentado por água da chuva recolhida nos telhados dos pavilhões.",
    "As associações de pais aplaudem a medida, mas pedem que as obras não ocupem os recreios durante o período de aulas.",
)


def newsletter_paywall() -> str:
    main = (
        '<main class="site-main"><article class="noticia" role="article">'
        f'<h1 class="noticia__titulo">{escape(PT_TITLE)}</h1>'
        '<div class="noticia__corpo">'
        f"{_p(PT_BODY[:2])}"
        '<div class="nl-signup-inline" data-nl="manha"><strong>Manhã Porto</strong>'
        "<p>Receba todas as manhãs as notícias da cidade no seu email, antes do café.</p>"
        '<a class="btn" href="/newsletters">Subscrever gratuitamente</a></div>'
        f"{_p(PT_BODY[2:4])}"
        '<div class="piano-offer premium-box"><p>Assine a partir de 1,90 € por mês e leia sem limites no site e na aplicação.</p>'
        '<a class="btn" href="/assinaturas">Assinar agora</a></div>'
        f"{_p(PT_BODY[4:])}"
        "</div></article></main>"
    )
    return _shell("pt", PT_TITLE, "Jornal do Douro", ("Porto", "Norte", "Desporto", "Cultura"), main,
                  "Jornal do Douro, S.A. – Estatuto editorial – Contactos")


# --------------------------------------------------------------------------- 8. magazine, body split across containers (en)

MAG_TITLE = "The last lighthouse keepers of the Outer Hebrides"
MAG_BODY = (
    "When the Northern Lighthouse Board automated its final station in 1998, it seemed the age of the island keeper was over for good.",
    "Yet on Barra Head, a few families still row out each spring to repaint the tower, clear the gutters and check the batteries that now run the lamp.",
    "Morag MacNeil has made the crossing every April for twenty-two years, first with her father and now with her own two sons.",
    "The work is unpaid, she says, but the board covers the fuel for the boat and sends a box of paint, brushes and a new flag every year.",
    "Historians at the University of the Highlands have begun recording the families' stories before the last of the former keepers dies.",
    "They have collected more than eighty hours of interviews, logbooks going back to the 1860s and a recipe book kept by three generations of keepers' wives.",
    "The recordings will be deposited at the archive in Stornoway this summer, and a selection will be played in the island schools.",
    "For MacNeil the point is simpler: as long as someone climbs the stairs each spring, she says, the light is still kept.",
)
MAG_PULL = "Someone still climbs the stairs every spring."


def magazine_split() -> str:
    def part(paragraphs: tuple[str, ...]) -> str:
        return (f'<div class="body body__container article__body grid--item"><div class="container--body-inner">'
                f'<div class="body__inner-container">{_p(paragraphs)}</div></div></div>')

    main = (
        '<main id="main-content"><article class="article main-content" lang="en-GB">'
        f'<header class="article__content-header"><h1 data-testid="ContentHeaderHed">{escape(MAG_TITLE)}</h1>'
        '<div class="content-header__dek">Four families keep watch on a light that no longer needs them</div></header>'
        f"{part(MAG_BODY[:5])}"
        '<div class="ad__slot ad__slot--mid-content" data-node-id="ad1"><div class="ad-label">Advertisement</div></div>'
        f"{part(MAG_BODY[5:6])}"
        f'<div class="pullquote-embed"><blockquote class="pullquote"><p>{escape(MAG_PULL)}</p></blockquote></div>'
        f"{part(MAG_BODY[6:7])}"
        '<div class="social-embed" data-type="instagram"><blockquote class="instagram-media"><a href="https://www.instagram.com/p/x">View this post on Instagram</a></blockquote></div>'
        f"{part(MAG_BODY[7:])}"
        "</article></main>"
    )
    return _shell("en", MAG_TITLE, "Atlantic Quarterly", ("Culture", "Science", "Travel", "Magazine"), main,
                  "© 2025 Atlantic Quarterly Publications. All rights reserved.")


# --------------------------------------------------------------------------- 9. magazine sections, pull quotes, in French

FRM_TITLE = "Dans le Jura, les horlogers misent sur la réparation"
FRM_BODY = (
    "À Morez, l'atelier de Claire Vuillet ne fabrique plus de montres neuves depuis cinq ans : il répare celles des autres, et ne manque pas de travail.",
    "Les commandes arrivent de toute l'Europe, souvent des montres mécaniques héritées d'un parent, que les grandes marques refusent de réviser faute de pièces.",
    "Pour les refaire, l'atelier usine lui-même les roues et les pignons sur un tour des années cinquante, restauré avec l'aide d'un ancien professeur du lycée technique.",
    "La région Bourgogne-Franche-Comté a ouvert l'an dernier une formation de réparateur horloger, dont les douze places ont trouvé preneur en une semaine.",
    "Les élèves y apprennent à démonter un mouvement, à diagnostiquer une usure et à fabriquer une pièce introuvable, plutôt qu'à assembler des montres neuves.",
    "« Une montre réparée, c'est une montre qui ne part pas à la poubelle », résume Claire Vuillet, qui forme deux apprentis cette année.",
)


def magazine_sections_fr() -> str:
    main = (
        '<div id="page"><div class="article-layout"><article class="article article--longform">'
        f'<h1 class="article__title">{escape(FRM_TITLE)}</h1><p class="article__chapo">Reportage dans les ateliers du Haut-Jura.</p>'
        f'<section class="article-body article__section">{_p(FRM_BODY[:4], "article__paragraph")}</section>'
        '<div class="inread" id="inread-1"><div class="dfp-slot">Publicité</div></div>'
        f'<section class="article-body article__section"><h2 class="article__subtitle">Un atelier qui forme</h2>{_p(FRM_BODY[4:5], "article__paragraph")}</section>'
        '<blockquote class="article__citation-exergue"><p>« On ne jette plus, on répare. »</p></blockquote>'
        f'<section class="article-body article__section">{_p(FRM_BODY[5:], "article__paragraph")}</section>'
        "</article></div></div>"
    )
    return _shell("fr", FRM_TITLE, "L'Hebdo de l'Est", ("Régions", "Économie", "Culture", "Portraits"), main,
                  "L'Hebdo de l'Est – Tous droits réservés – Données personnelles")


# --------------------------------------------------------------------------- 10. local TV, later paragraphs lazy-rendered elsewhere (de)

TV_TITLE = "Hochwasser an der Mosel: Pegel in Trier sinkt langsam"
TV_BODY = (
    "Nach dem Hochwasser der vergangenen Tage sinkt der Pegel der Mosel in Trier langsam; am Mittwochmorgen lag er bei 8,10 Metern, gut einen Meter unter dem Höchststand.",
    "Die Uferstraße zwischen Zurlauben und der Kaiser-Wilhelm-Brücke bleibt trotzdem gesperrt, weil das Wasser Schlamm und Treibgut auf der Fahrbahn hinterlassen hat.",
    "Die Feuerwehr hat in der Nacht mehr als sechzig Keller leergepumpt, vor allem in Pfalzel und Ehrang, wo das Wasser durch die Kanalisation gedrückt wurde.",
    "Das Landesamt für Umwelt erwartet, dass die Mosel bis Freitag unter die Meldehöhe von sieben Metern fällt, sofern es nicht erneut stark regnet.",
    "Die Schifffahrt auf der Mosel bleibt bis auf Weiteres eingestellt; die Schleusen in Trier und Detzem sollen frühestens am Wochenende wieder öffnen.",
    "Betroffene können Schäden ab Donnerstag bei der Stadtverwaltung melden; für Sperrmüll aus überfluteten Kellern stellt die Stadt zusätzliche Container auf.",
)


def lazy_render_tv() -> str:
    main = (
        '<main><div class="article-container"><div class="article-left">'
        f'<h1 class="headline">{escape(TV_TITLE)}</h1><div class="byline">SWR-Regionalstudio · Stand: 12.03.2025, 08:55 Uhr</div>'
        f'<div class="article-text">{_p(TV_BODY[:4])}</div>'
        '<div class="video-container" data-player="vp1"><div class="video-title">Video: Hochwasser in Trier</div></div>'
        '</div><div class="ad-slot ad-slot--medrec"></div>'
        f'<div class="lazy-section" data-lazy-loaded="true"><div class="rendered">{_p(TV_BODY[4:])}</div></div>'
        "</div></main>"
    )
    return _shell("de", TV_TITLE, "Trier Aktuell TV", ("Nachrichten", "Wetter", "Verkehr", "Mediathek"), main,
                  "Trier Aktuell TV · Impressum · Datenschutzerklärung · Barrierefreiheit")


# --------------------------------------------------------------------------- 11. newspaper, "read more" block after an ad (es), Drupal

ESD_TITLE = "Zaragoza amplía el tranvía hasta el barrio de Valdespartera"
ESD_BODY = (
    "El pleno del Ayuntamiento de Zaragoza aprobó este jueves el proyecto para prolongar la línea 1 del tranvía desde Valdespartera hasta Arcosur, con tres nuevas paradas.",
    "La obra, de 2,8 kilómetros, costará 41 millones de euros y se financiará en parte con fondos europeos de recuperación destinados a la movilidad sostenible.",
    "Los vecinos de Arcosur llevan más de una década reclamando una conexión directa con el centro, ya que hoy dependen de una sola línea de autobús.",
    "El consejero de Movilidad calcula que el tranvía sumará unos seis mil viajeros diarios y que las obras podrán empezar a principios del año que viene.",
    "La oposición votó a favor del proyecto, aunque pidió que se estudie también una línea 2 que cruce la ciudad de este a oeste.",
)
ESD_COMMENTS = (
    "Por fin, en Arcosur llevamos quince años esperando. Ojalá no se retrase como todo lo demás en este barrio.",
    "Cuarenta y un millones para tres paradas me parece muchísimo dinero, habría que ver cuántos viajeros reales tendrá en diez años.",
)


def drupal_lazy() -> str:
    comments = "".join(
        f'<article data-comment-user-id="{31 + i}" class="comment js-comment by-anonymous">'
        f'<footer class="comment__meta"><p class="comment__author">Usuario {i + 1}</p><p class="comment__time">hace {i + 2} horas</p></footer>'
        f'<div class="comment__content"><div class="field field--name-comment-body">{escape(text)}</div></div></article>'
        for i, text in enumerate(ESD_COMMENTS)
    )
    main = (
        '<div class="layout-container"><main role="main"><div class="region region-content">'
        '<article role="article" class="node node--type-noticia node--view-mode-full">'
        f'<h1 class="page-title"><span class="field field--name-title">{escape(ESD_TITLE)}</span></h1>'
        '<div class="node__content"><div itemprop="articleBody" class="clearfix text-formatted field field--name-body field--type-text-with-summary field__item">'
        f"{_p(ESD_BODY[:3])}</div>"
        '<div class="block-dfp"><div id="dfp-ad-robapaginas">Publicidad</div></div>'
        '<div class="field field--name-field-cuerpo-continuacion field__item">'
        f"{_p(ESD_BODY[3:])}</div>"
        '<section class="field field--name-comment field--type-comment field--label-above">'
        f'<h2 class="field__label">Comentarios</h2>{comments}</section>'
        "</div></article></div></main></div>"
    )
    return _shell("es", ESD_TITLE, "Heraldo del Ebro", ("Zaragoza", "Aragón", "Deportes", "Economía"), main,
                  "Heraldo del Ebro · Aviso legal · Contacto · Publicidad")


# --------------------------------------------------------------------------- 12. related video and recommendations, rtl (ar)

AR_TITLE = "عمّان تطلق خطة لزراعة عشرة آلاف شجرة على جوانب الطرق"
AR_BODY = (
    "أطلقت أمانة عمّان الكبرى خطة لزراعة عشرة آلاف شجرة على جوانب الطرق الرئيسية في العاصمة خلال العامين المقبلين، بكلفة تقارب مليوني دينار.",
    "وقال مدير الزراعة في الأمانة إن الأشجار المختارة من الأنواع المحلية التي تتحمل الجفاف، مثل البلوط والخروب والسدر، وستروى بنظام التنقيط.",
    "وستبدأ المرحلة الأولى في شارع الأردن وطريق المطار، حيث سجلت قياسات الأمانة أعلى درجات حرارة للأسطح الإسفلتية في الصيف الماضي.",
    "ورحبت جمعيات بيئية بالخطة، لكنها طالبت بحماية الأشجار القائمة من القطع عند توسيع الطرق، وهي مشكلة تتكرر في الأحياء الجديدة.",
)
AR_VIDEO = ("فيديو: جولة في مشتل الأمانة الجديد", "فيديو: كيف تُروى الحدائق بمياه الصرف المعالجة", "فيديو: أمطار غزيرة في وسط البلد")
AR_RECO = ("ارتفاع أسعار المياه المنقولة بالصهاريج", "افتتاح حديقة جديدة في ماركا", "تعديل مسارات الباص السريع")


def related_video_ar() -> str:
    videos = "".join(f'<div class="vid-card"><a href="/v/{i}"><span class="vid-dur">2:1{i}</span><h4>{escape(t)}</h4></a></div>'
                     for i, t in enumerate(AR_VIDEO))
    reco = "".join(f'<li><a href="/r/{i}"><img src="/i/{i}.jpg" alt=""><span>{escape(t)}</span></a></li>' for i, t in enumerate(AR_RECO))
    main = (
        '<div class="wrapper"><div class="main-col"><div class="news-details">'
        f'<h1 class="news-title">{escape(AR_TITLE)}</h1><div class="news-date">١٤ آذار ٢٠٢٥</div>'
        f'<div class="news-text">{_p(AR_BODY)}</div>'
        f'<div class="related-videos" data-widget="video-playlist"><div class="block-title">فيديوهات ذات صلة</div>{videos}</div>'
        f'<div class="outbrain-widget" data-widget-id="AR_1"><div class="ob-title">قد يعجبك أيضاً</div><ul>{reco}</ul></div>'
        "</div></div></div>"
    )
    return _shell("ar", AR_TITLE, "صحيفة الغد العمّانية", ("محليات", "اقتصاد", "رياضة", "ثقافة"), main,
                  "جميع الحقوق محفوظة لصحيفة الغد العمّانية ٢٠٢٥", direction="rtl")


# --------------------------------------------------------------------------- 13. Chinese portal, hot list and related news as div cards

ZH_TITLE = "成都地铁十三号线一期工程全面开工"
ZH_BODY = (
    "成都轨道交通集团十四日宣布，地铁十三号线一期工程全面开工，线路全长约二十九公里，设车站二十座，计划于二〇二八年底建成通车。",
    "十三号线一期自西向东连接温江区、青羊区和锦江区，将与已运营的六条线路换乘，建成后从温江到春熙路的通勤时间有望缩短二十分钟。",
    "项目总投资约二百四十亿元，其中盾构区间占全线长度的八成以上，施工单位表示将采用低噪声设备，尽量减少对沿线居民夜间休息的影响。",
    "沿线多个小区的居民表示期待早日通车，但也希望施工围挡不要长期占用人行道，并及时公布道路改道信息。",
)
ZH_HOT = ("成都今年新增三十个口袋公园", "春熙路商圈周末限流措施公布", "天府机场新开五条国际航线", "锦江夜游票价调整", "成都中考体育考试安排出炉")
ZH_RELATED = ("十号线三期进入铺轨阶段", "地铁早高峰加开临时列车", "公交线网优化方案征求意见")


def portal_zh() -> str:
    hot = "".join(f'<div class="hot-item"><em>{i + 1}</em><a href="/h/{i}">{escape(t)}</a></div>' for i, t in enumerate(ZH_HOT))
    rel = "".join(f'<div class="rel-item"><a href="/n/{i}">{escape(t)}</a><span class="rel-date">03-1{i}</span></div>'
                  for i, t in enumerate(ZH_RELATED))
    main = (
        '<div class="w1200 clearfix"><div class="left-main"><div class="article-box">'
        f'<h1 class="art-title">{escape(ZH_TITLE)}</h1><div class="art-info">来源：本报讯　2025-03-14 09:30</div>'
        "<div class=\"art-content\" id=\"artibody\">"
        + "".join(f'<div class="para">{escape(p)}</div>' for p in ZH_BODY)
        + "</div>"
        f'<div class="rel-news"><div class="rel-hd">相关新闻</div>{rel}</div></div></div>'
        f'<div class="right-side"><div class="hot-rank"><div class="rank-hd">热门排行</div>{hot}</div></div></div>'
    )
    return _shell("zh", ZH_TITLE, "成都都市报", ("首页", "本地", "财经", "体育"), main, "成都都市报 版权所有 蜀ICP备00000000号")


# --------------------------------------------------------------------------- 14. JSON-LD articleBody decides (pl)

PL_TITLE = "Gdańsk wyremontuje wszystkie wiaty przystankowe na Przymorzu"
PL_BODY = (
    "Gdański Zarząd Dróg i Zieleni wymieni do końca roku czterdzieści dwie wiaty przystankowe na Przymorzu i Zaspie, które od lat przeciekają i są zniszczone.",
    "Nowe wiaty będą miały zielone dachy z rozchodnikiem, ławki z oparciami i tablice z informacją o odjazdach w czasie rzeczywistym.",
    "Urzędnicy przekonują, że roślinne dachy zatrzymują deszczówkę i obniżają temperaturę pod wiatą nawet o kilka stopni w upalne dni.",
    "Remont pochłonie około czterech milionów złotych; pierwsze wiaty zostaną wymienione w kwietniu przy alei Rzeczypospolitej.",
    "Mieszkańcy w konsultacjach prosili też o stojaki na rowery przy każdym przystanku, co miasto obiecuje uwzględnić tam, gdzie pozwala szerokość chodnika.",
)
PL_TEASERS = (
    ("Nowa linia tramwajowa na Morenę coraz bliżej", "Miasto podpisało umowę z wykonawcą, a pierwsze prace ruszą jeszcze w tym miesiącu przy ulicy Warneńskiej, gdzie powstanie pętla."),
    ("Sopot zamknie molo na dwa tygodnie", "Powodem jest wymiana desek na odcinku przy przystani jachtowej, którą zarządca planował od ubiegłej jesieni."),
)


def json_ld_pl() -> str:
    teasers = "".join(
        f'<div class="box-row"><h3><a href="/w/{i}">{escape(h)}</a></h3><div class="lead-text">{escape(d)}</div></div>'
        for i, (h, d) in enumerate(PL_TEASERS)
    )
    main = (
        '<div id="content"><div class="col-8"><div class="entry">'
        f'<h1>{escape(PL_TITLE)}</h1><div class="entry-meta">14.03.2025 · Redakcja</div>'
        f'<div class="post-text">{_p(PL_BODY[:3])}</div><div class="adv-box">Reklama</div>'
        f'<div class="post-text-more">{_p(PL_BODY[3:])}</div></div>'
        f'<div class="boxes">{teasers}</div></div></div>'
    )
    return _shell("pl", PL_TITLE, "Dziennik Trójmiasta", ("Gdańsk", "Gdynia", "Sopot", "Sport"), main,
                  "© Dziennik Trójmiasta 2025. Wszelkie prawa zastrzeżone.",
                  head=_json_ld(PL_TITLE, PL_BODY, "Anna Wiśniewska"))


def _tail_pages() -> tuple[Page, ...]:
    def page(name: str, lang: str, layout: str, html: str, title: str, body: tuple[str, ...], unwanted: tuple[str, ...]) -> Page:
        return Page(name, lang, layout, html, (title, *body), (*unwanted, SCRIPT_UNWANTED))

    return (
        page("fr-viafoura-comments", "fr", "comments (viafoura, in the article)", viafoura_comments(), FR_TITLE, FR_BODY,
             (*FR_COMMENTS, "3 réactions", "Mentions légales")),
        page("de-forum-thread", "de", "forum thread (own markup)", forum_thread(), DE_TITLE, DE_BODY,
             (*(text for _, text in DE_POSTS), "Leserforum (4 Beiträge)", "Alle Beiträge anzeigen")),
        page("en-link-list", "en", "link list in the body", link_list(), EN_TITLE, EN_BODY,
             ("10 things you need to know today", *EN_LIST[:3], EN_LIST[-1])),
        page("es-arc-more", "es", "more stories + trending (arc)", arc_more_stories(), ES_TITLE, ES_BODY,
             (*(h for h, _ in ES_MORE), *(d for _, d in ES_MORE), "Más noticias", "Lo más leído", ES_TRENDING[0], ES_TRENDING[-1])),
        page("ru-author-block", "ru", "author block + more from this author", author_block(), RU_TITLE, RU_BODY,
             (RU_AUTHOR, "Другие материалы автора", RU_MORE[0], RU_MORE[-1])),
        page("it-score-table", "it", "score table + standings", score_tables(), IT_TITLE, IT_BODY,
             ("Risultati della 29ª giornata", "Classifica Serie A", "Parma", "Monza")),
        page("pt-promos", "pt", "newsletter promo + paywall promo in the body", newsletter_paywall(), PT_TITLE, PT_BODY,
             ("Receba todas as manhãs", "Subscrever gratuitamente", "Assine a partir de 1,90 €", "Assinar agora")),
        page("en-magazine-split", "en", "split body (magazine), ads, pull quote, embed", magazine_split(), MAG_TITLE, MAG_BODY,
             (MAG_PULL, "View this post on Instagram", "© 2025 Atlantic Quarterly", "Travel")),
        page("fr-magazine-sections", "fr", "split body (sections), pull quote", magazine_sections_fr(), FRM_TITLE, FRM_BODY,
             ("On ne jette plus, on répare.", "Données personnelles", "Portraits", "Publicité")),
        page("de-tv-lazy", "de", "lazy body (local tv), video block", lazy_render_tv(), TV_TITLE, TV_BODY,
             ("Video: Hochwasser in Trier", "Barrierefreiheit", "Mediathek", "Impressum")),
        page("es-drupal-lazy", "es", "lazy body (drupal) + comments", drupal_lazy(), ESD_TITLE, ESD_BODY,
             (*ESD_COMMENTS, "Comentarios", "Aviso legal")),
        page("ar-related-video", "ar", "related video + trending, rtl", related_video_ar(), AR_TITLE, AR_BODY,
             (*AR_VIDEO[:2], AR_RECO[0], "قد يعجبك أيضاً", "فيديوهات ذات صلة")),
        page("zh-portal-lists", "zh", "trending + related lists, div paragraphs", portal_zh(), ZH_TITLE, ZH_BODY,
             (ZH_HOT[0], ZH_HOT[-1], ZH_RELATED[0], "热门排行", "相关新闻")),
        page("pl-json-ld", "pl", "json-ld, split body, teaser prose", json_ld_pl(), PL_TITLE, PL_BODY,
             (*(h for h, _ in PL_TEASERS), *(d for _, d in PL_TEASERS), "Wszelkie prawa zastrzeżone")),
    )


TAIL_PAGES: tuple[Page, ...] = _tail_pages()
