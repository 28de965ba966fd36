"""Deterministic synthetic corpus of UK Parliament written questions, for benchmarks.

``generate_questions(n, seed)`` yields ``value`` dicts shaped exactly like the Written Questions
API's detail view with ``expandMember=true`` (same keys in the same order, same types, full HTML
``answerText``). ``write_corpus`` wraps them in the API's list envelope
``{"totalResults": n, "results": [{"value": ..., "links": [...]}]}``.

Realism, in short: ~5,000 members (650 MPs with constituencies, the rest peers and bishops),
~150 ministers tied to departments and to the governments of 2014-2025, answering bodies with
their real ids and renames applied by date, ~30,000 "Topic: Subtopic" headings drawn with a
Zipf-like skew, holding answers, corrections, grouped questions, attachments and withdrawals at
the rates seen in the real data.

Everything that does not depend on the seed (members, bodies, headings, sentence pools) is built
once from a fixed seed and cached, so the per-record work is a few dozen cheap random draws and
string joins: that is what makes 1,000,000 records feasible in pure Python.

CLI: ``python -m bench.corpus --n 100000 --seed 1 --out bench/out/corpus-100k.json``.
"""

from __future__ import annotations

import argparse
import bisect
import functools
import json
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

_T = TypeVar("_T")

__all__ = [
    "answering_bodies",
    "generate_questions",
    "heading_weights",
    "headings",
    "members",
    "ministers",
    "policy_words",
    "write_corpus",
]

# The pools are part of the corpus' definition, not of a run: a fixed seed keeps them (and so the
# query words a benchmark draws from them) identical whatever seed the records use.
_POOL_SEED = 20140106

START = date(2014, 1, 6)
END_TABLED = date(2025, 10, 31)
# The corpus is a snapshot taken on this day: anything that would happen later has not happened.
AS_OF = date(2025, 12, 31)

_LORDS_SHARE = 0.09  # ~7,000 Lords questions a session against ~75,000 Commons ones
_STAMP = "T00:00:00"


def _split(text: str) -> list[str]:
    """Split a data block on '|' and newlines (keeps the tables below compact and readable)."""
    return [w.strip() for line in text.strip().splitlines() for w in line.split("|") if w.strip()]


def _o(iso: str) -> int:
    return date.fromisoformat(iso).toordinal()


# --------------------------------------------------------------------------------------------
# Names and places
# --------------------------------------------------------------------------------------------

_MALE = _split("""
James|John|David|Michael|Robert|Richard|Andrew|Mark|Paul|Stephen|Peter|Christopher|Daniel
Matthew|Thomas|Simon|Jonathan|Nicholas|Alexander|Edward|William|George|Henry|Charles|Philip
Graham|Ian|Iain|Alistair|Hamish|Callum|Fergus|Ruaraidh|Angus|Euan|Dafydd|Rhodri|Aled|Hywel
Gareth|Huw|Carwyn|Geraint|Owain|Emyr|Seán|Ciarán|Pádraig|Declan|Conor|Colm|Rishi|Sajid
Tanmanjeet|Virendra|Nadhim|Kwasi|Chuka|Afzal|Imran|Tahir|Khalid|José|Sébastien|René|Jesse|Kit
Rory|Toby|Hugo|Oliver|Jacob|Liam|Kieran|Darren|Wes|Bim|Lloyd|Clive|Barry|Kevin|Norman|Desmond
Shailesh|Gurinder|Jas|Tan|Bambos|Kemal|Alok|Navendu|Marco|Luke|Jack|Sam|Ben|Tom|Nick|Jim|Bob
Gavin|Kenny|Stuart|Neil|Alan|Derek|Gerald|Crispin|Jeremy|Rupert|Giles|Tobias|Laurence|Dominic
Ranil|Mohammed|Yousef|Ahmed|Saqib|Ruairí|Éamonn|Dónal|Gethin|Iwan|Llŷr|Tudur|Ifor
""")
_FEMALE = _split("""
Sarah|Helen|Catherine|Elizabeth|Anne|Margaret|Rachel|Emma|Victoria|Caroline|Jane|Alison|Lucy
Harriet|Rebecca|Charlotte|Joanna|Louise|Diana|Julia|Maria|Zoë|Chloë|Renée|Anaïs|Hélène|Siân
Eluned|Ffion|Gwenllian|Nia|Angharad|Carys|Lowri|Eilidh|Mhairi|Morag|Ailsa|Kirsty|Seonaid
Siobhán|Niamh|Aoife|Órfhlaith|Priti|Seema|Rushanara|Preet|Shabana|Yasmin|Tulip|Kemi|Abena
Florence|Bell|Dawn|Marsha|Feryal|Nusrat|Apsana|Anneliese|Olivia|Gillian|Wendy|Theresa|Andrea
Esther|Penny|Jess|Liz|Meg|Bridget|Fiona|Heidi|Jo|Kate|Lilian|Nadia|Rosie|Stella|Tonia|Valerie
Yvonne|Zarah|Bernadette|Imogen|Mairéad|Rosena|Liadh|Bronwen|Delyth|Llinos|Sinéad|Aisling
Naz|Saima|Anum|Jasvinder|Ngozi|Folami|Mariam|Tahmina|Jenny|Clare|Mary|Ruth|Sally|Tracy
""")

_SURNAMES = _split("""
Smith|Jones|Williams|Taylor|Brown|Davies|Evans|Wilson|Thomas|Johnson|Roberts|Robinson|Thompson
Wright|Walker|White|Edwards|Hughes|Green|Hall|Lewis|Harris|Clarke|Patel|Jackson|Wood|Turner
Martin|Cooper|Hill|Ward|Morris|Moore|Clark|Lee|King|Baker|Harrison|Morgan|Allen|James|Scott
Phillips|Watson|Davis|Parker|Price|Bennett|Young|Griffiths|Mitchell|Kelly|Cook|Carter
Richardson|Bailey|Collins|Bell|Shaw|Murphy|Miller|Cox|Richards|Khan|Marshall|Anderson|Simpson
Ellis|Adams|Singh|Begum|Wilkinson|Foster|Chapman|Powell|Webb|Rogers|Gray|Mason|Ali|Hunt
Hussain|Campbell|Matthews|Owen|Palmer|Holmes|Mills|Barnes|Knight|Lloyd|Butler|Russell|Barker
Fisher|Stevens|Jenkins|Murray|Dixon|Harvey|Graham|Pearson|Ahmed|Fletcher|Walsh|Kaur|Gibson
Howard|Andrews|Stewart|Elliott|Reynolds|Saunders|Payne|Fox|Ford|Pearce|Day|Brooks|West
Lawrence|Cole|Atkinson|Bradley|Spencer|Gill|Dawson|Ball|Burton|O'Brien|Watts|Rose|Booth|Perry
Ryan|Grant|Wells|Armstrong|Francis|Rees|Hayes|Hart|Hudson|Newman|Barrett|Webster|Hunter
Gregory|Carr|Lowe|Page|Marsh|Riley|Dunn|Woods|Parsons|Berry|Stone|Reid|Holland|Hawkins
Harding|Porter|Robertson|Newton|Oliver|Reed|Kennedy|Williamson|Bird|Gardner|Shah|Dean|Lane
Cooke|Bates|Henderson|Parry|Burgess|Bishop|Walton|Burns|Nicholson|Shepherd|Ross|Cross|Long
Freeman|Warren|Nicholls|Hamilton|Byrne|Sutton|McDonald|Yates|Hodgson|Robson|Curtis|Hopkins
O'Connor|Harper|Coleman|Watkins|Moss|McCarthy|Chambers|O'Neill|Griffin|Sharp|Hardy|Wheeler
Potter|Osborne|Johnston|Gordon|Doyle|Wallace|Jordan|Hutchinson|Rowe|Burke|Pritchard|Gilbert
Willis|Higgins|Read|Miles|Stevenson|Hammond|Arnold|Buckley|Walters|Hewitt|Barber|Nelson
Slater|Austin|Sullivan|Whitehead|Mann|Frost|Lambert|Blake|Akhtar|Lynch|Goodwin|Barton
Woodward|Thomson|Cunningham|Quinn|Barnett|Baxter|Clayton|Nash|Greenwood|Jennings|Holt|Kemp
Poole|Gallagher|Bond|Stokes|Tucker|Davidson|Fowler|Heath|Middleton|Lawson|Banks|French
Stanley|Jarvis|Gibbs|Ferguson|Hayward|Carroll|Farrell|Duncan|MacNeil|MacAskill|Mackintosh
McGovern|MacLeod|Fraser|Sinclair|Munro|Urquhart|Pugh|Bowen|Prys|Llewellyn|Vaughan|Gwynne
O'Hara|O'Donnell|O'Sullivan|McKinnell|McMahon|McFadden|McCluskey|MacGregor|Mhic Mhathúna
Ó Donnghaile|Núñez|Müller|Kowalski|Nowak|Okafor|Adebayo|Mensah|Osei|Chowdhury|Rahman
Iqbal|Sandhu|Dhesi|Zahawi|Dhillon|Sidhu|Bhattacharyya|Chakrabarti|Mahmood|Qureshi|Siddiq
Haq|Yasin|Onwurah|Ribeiro|Da Costa|de Cordova|van der Merwe|ap Gwilym|Saville-Roberts
Lloyd-Webber|Rees-Mogg|Campbell-Savours|Lucas-Tooth|Russell-Moyle|Heaton-Harris|Smith-Jones
Brontë|Noël|Élan|Søndergaard|Mérida|Kovačević|Ní Bhriain|Llwyd|Glyndŵr|Penrhys
""")

# Towns by nation: constituencies are built from them and parties follow the nation.
_TOWNS = {
    "E": _split("""
Birmingham|Manchester|Leeds|Sheffield|Bristol|Liverpool|Newcastle upon Tyne|Nottingham
Leicester|Coventry|Bradford|Stoke-on-Trent|Wolverhampton|Plymouth|Southampton|Portsmouth
Reading|Derby|Sunderland|Luton|Milton Keynes|Northampton|Norwich|Swindon|Ipswich|Oxford
Cambridge|York|Peterborough|Gloucester|Exeter|Chelmsford|Colchester|Brighton|Hove|Worthing
Bournemouth|Poole|Bath|Cheltenham|Worcester|Hereford|Shrewsbury|Telford|Lincoln|Grimsby
Scunthorpe|Doncaster|Rotherham|Barnsley|Wakefield|Huddersfield|Halifax|Bolton|Bury|Wigan
Oldham|Rochdale|Stockport|Salford|Warrington|Blackpool|Preston|Blackburn|Burnley|Lancaster
Carlisle|Darlington|Hartlepool|Middlesbrough|Stockton|Redcar|Gateshead|Durham|Hexham|Blyth
Wansbeck|Berwick-upon-Tweed|Harrogate|Scarborough|Whitby|Selby|Beverley|Hull|Chesterfield
Mansfield|Ashfield|Bassetlaw|Loughborough|Hinckley|Nuneaton|Rugby|Warwick|Stratford-on-Avon
Redditch|Bromsgrove|Kidderminster|Dudley|Walsall|West Bromwich|Solihull|Tamworth|Lichfield
Stafford|Cannock|Crewe|Macclesfield|Chester|Ellesmere Port|Wirral|Southport|St Helens
Bedford|Stevenage|Watford|Hitchin|Harlow|Basildon|Southend|Maidstone|Canterbury|Dover
Folkestone|Ashford|Tonbridge|Sevenoaks|Dartford|Gravesham|Guildford|Woking|Epsom|Reigate
Crawley|Horsham|Chichester|Winchester|Basingstoke|Aldershot|Salisbury|Chippenham|Taunton
Yeovil|Weston-super-Mare|Truro|Falmouth|St Ives|Camborne|Barnstaple|Torbay|Newton Abbot
Tiverton|Faversham|Thornbury|Yate|Ealing|Croydon|Enfield|Barnet|Harrow|Hackney|Islington
Camden|Lewisham|Greenwich|Bermondsey|Southwark|Lambeth|Brent|Hammersmith|Chelsea|Fulham
Wimbledon|Kingston|Richmond|Twickenham|Putney|Battersea|Tooting|Streatham|Dulwich|Romford
Ilford|Walthamstow|Leyton|Tottenham|Hornsey|Finchley|Hendon|Uxbridge|Hayes|Harlington
Spelthorne|Slough|Maidenhead|Windsor|Wokingham|Newbury|Banbury|Witney|Henley|Aylesbury
Chesham|Amersham|Wycombe|Buckingham|Kettering|Corby|Wellingborough|Daventry|Boston|Skegness
Louth|Horncastle|Gainsborough|Grantham|Stamford|Sleaford|Spalding|King's Lynn|Thetford
Great Yarmouth|Lowestoft|Waveney|Bury St Edmunds|Sudbury|Harwich|Clacton|Braintree|Witham
Saffron Walden|Huntingdon|St Neots|Ely|Wisbech|Kendal|Penrith|Workington|Whitehaven|Barrow
"""),
    "W": _split("""
Cardiff|Swansea|Newport|Wrexham|Bangor|Aberystwyth|Carmarthen|Llanelli|Neath|Bridgend
Pontypridd|Merthyr Tydfil|Caerphilly|Blaenau Gwent|Torfaen|Monmouth|Brecon|Radnorshire
Montgomeryshire|Ceredigion|Ynys Môn|Arfon|Dwyfor Meirionnydd|Aberconwy|Clwyd|Delyn|Alyn
Deeside|Vale of Glamorgan|Gower|Ogmore|Rhondda|Cynon Valley|Islwyn|Preseli Pembrokeshire
"""),
    "S": _split("""
Glasgow|Edinburgh|Aberdeen|Dundee|Inverness|Perth|Stirling|Falkirk|Paisley|Kilmarnock
Ayr|Dumfries|Galloway|East Kilbride|Hamilton|Motherwell|Airdrie|Coatbridge|Cumbernauld
Livingston|Kirkcaldy|Dunfermline|Glenrothes|Arbroath|Montrose|Angus|Moray|Banff|Buchan
Gordon|Argyll and Bute|Ross|Skye|Lochaber|Caithness|Sutherland|Orkney|Shetland|Berwickshire
Roxburgh|Selkirk|Lanark|Strathaven|Lesmahagow|Linlithgow|Midlothian|East Lothian|Renfrewshire
Na h-Eileanan an Iar|Badenoch|Strathspey|Nairn|Ochil|Clackmannanshire|Inverclyde|Dumbarton
"""),
    "N": _split("""
Belfast|Foyle|Upper Bann|Lagan Valley|Strangford|Newry|Armagh|South Down|North Down
East Antrim|South Antrim|North Antrim|East Londonderry|Fermanagh|South Tyrone|West Tyrone
Mid Ulster
"""),
}
_DIRECTIONS = ["North", "South", "East", "West", "Central", "North East", "North West",
               "South East", "South West", "Mid"]
_COUNTIES = _split("""
Norfolk|Suffolk|Devon|Cornwall|Somerset|Dorset|Wiltshire|Herefordshire|Shropshire|Warwickshire
Northamptonshire|Leicestershire|Durham|Northumberland|Cambridgeshire|Bedfordshire|Hampshire
Staffordshire|Derbyshire|Lincolnshire|Essex|Hertfordshire|Gloucestershire|Worcestershire
Cheshire|Cumbria|Yorkshire|Kent|Surrey|Sussex|Buckinghamshire|Oxfordshire|Berkshire
""")
_CITY_DISTRICTS = {
    "Birmingham": ["Edgbaston", "Hodge Hill", "Ladywood", "Yardley", "Erdington", "Selly Oak",
                   "Perry Barr", "Hall Green", "Northfield"],
    "Sheffield": ["Hallam", "Brightside and Hillsborough", "Heeley", "Central"],
    "Plymouth": ["Moor View", "Sutton and Devonport"],
    "Liverpool": ["Walton", "Wavertree", "West Derby", "Riverside"],
    "Manchester": ["Gorton", "Withington", "Rusholme", "Blackley"],
    "Leeds": ["Headingley", "Kirkstall", "Armley"],
    "Bristol": ["Kingswood", "Filton"],
    "Nottingham": ["Clifton", "Bulwell"],
}
_VILLAGES = _split("""
Deddington|Saltaire|Moulsecoomb|Ilton|Hill Top|Bowes Park|Llandudno|Aberystwyth|Warwick
Bowes|Cookham|Weymouth|Downpatrick|Bath|Hove|Kentish Town|Brixton|Chipping Norton|Thurso
Tweed|Balfron|Cults|Kinnoull|Aldeburgh|Blackheath|Dulwich Village|Hampstead Heath|Ickenham
Windermere|Keswick|Grasmere|Hay-on-Wye|Crickhowell|Llanfair|Caerleon|St Davids|Portmeirion
Lewes|Rye|Ludlow|Bampton|Burford|Tetbury|Marlow|Eton|Henley-on-Thames|Kew|Highgate|Mayfair
Clerkenwell|Walton-on-Thames|Wolvercote|Cowley|Headington|Jesmond|Tynemouth|Alnmouth
Bamburgh|Ripon|Knaresborough|Helmsley|Malton|Haworth|Holmfirth|Ilkley|Skipton|Settle
Hawes|Richmond|Masham|Thirsk|Pickering|Goathland|Robin Hood's Bay|Saltburn|Guisborough
Stokesley|Yarm|Sedgefield|Barnard Castle|Middleton-in-Teesdale|Stanhope|Corbridge|Wylam
Ponteland|Morpeth|Rothbury|Wooler|Coldstream|Kelso|Melrose|Peebles|Biggar|Crieff|Comrie
Pitlochry|Aberfeldy|Dunkeld|Blairgowrie|Kirriemuir|Brechin|Stonehaven|Ballater|Braemar
Newtonmore|Kingussie|Aviemore|Dornoch|Tain|Dingwall|Ullapool|Portree|Tobermory|Oban
""")

_SEES = _split("""
London|Durham|Winchester|Bath and Wells|Birmingham|Blackburn|Bristol|Carlisle|Chelmsford
Chester|Chichester|Coventry|Derby|Ely|Exeter|Gloucester|Guildford|Hereford|Leeds|Leicester
Lichfield|Lincoln|Liverpool|Manchester|Newcastle|Norwich|Oxford|Peterborough|Portsmouth
Rochester|St Albans|St Edmundsbury and Ipswich|Salisbury|Sheffield|Southwark
Southwell and Nottingham|Truro|Worcester
""")

# (party, colour, abbreviation); colours and abbreviations as the Members API spells them.
_PARTY = {
    "Con": ("Conservative", "0000ff", "Con"),
    "Lab": ("Labour", "ff0000", "Lab"),
    "LabCoop": ("Labour (Co-op)", "ff0000", "Lab/Co-op"),
    "LD": ("Liberal Democrat", "f8a428", "LD"),
    "SNP": ("Scottish National Party", "fcf28f", "SNP"),
    "DUP": ("Democratic Unionist Party", "000080", "DUP"),
    "PC": ("Plaid Cymru", "008142", "PC"),
    "Green": ("Green Party", "78b82a", "Green"),
    "Alliance": ("Alliance", "cdaf2d", "Alliance"),
    "SDLP": ("Social Democratic & Labour Party", "99FF66", "SDLP"),
    "Ind": ("Independent", "C0C0C0", "Ind"),
    "RUK": ("Reform UK", "12B6CF", "RUK"),
    "UUP": ("Ulster Unionist Party", "99CCFF", "UUP"),
    "XB": ("Crossbench", "C0C0C0", "XB"),
    "Bshp": ("Bishops", "C0C0C0", "Bshp"),
    "NA": ("Non-affiliated", None, None),
}
_COMMONS_PARTIES = {
    "E": [("Con", 52), ("Lab", 33), ("LabCoop", 4), ("LD", 6), ("Green", 1), ("Ind", 3),
          ("RUK", 1)],
    "W": [("Lab", 55), ("Con", 20), ("PC", 15), ("LD", 5), ("LabCoop", 5)],
    "S": [("SNP", 60), ("Lab", 18), ("Con", 12), ("LD", 8), ("Ind", 2)],
    "N": [("DUP", 50), ("SDLP", 15), ("Alliance", 15), ("UUP", 10), ("Ind", 10)],
}
_LIFE_PEER_PARTIES = [("Con", 34), ("Lab", 24), ("XB", 22), ("LD", 11), ("NA", 5), ("DUP", 1),
                      ("UUP", 1), ("Green", 1), ("PC", 1)]
_HEREDITARY_PARTIES = [("Con", 50), ("XB", 35), ("LD", 5), ("Lab", 4), ("NA", 6)]

# --------------------------------------------------------------------------------------------
# Answering bodies. Ids marked "real" are the Written Questions API's (FORMATS.md section 5);
# the others are stand-ins (the real ids of those bodies are unknown here).
# --------------------------------------------------------------------------------------------

_REP = "REP:"  # addressee of a body answered by a backbench MP "representing" it

# key -> (houses, Commons ministers per period, segments [(until or None, id, name, addressee)])
_DEPT_SPECS: dict[str, tuple[str, int, list[tuple[str | None, int, str, str]]]] = {
    "home": ("CL", 4, [(None, 1, "Home Office",  # real
                        "the Secretary of State for the Home Department")]),
    "health": ("CL", 4, [
        ("2018-01-08", 17, "Department of Health", "the Secretary of State for Health"),
        (None, 17, "Department of Health and Social Care",  # real
         "the Secretary of State for Health and Social Care")]),
    "education": ("CL", 4, [(None, 60, "Department for Education",  # real
                             "the Secretary of State for Education")]),
    "defence": ("CL", 3, [(None, 11, "Ministry of Defence",  # real
                           "the Secretary of State for Defence")]),
    "environment": ("CL", 3, [(None, 13, "Department for Environment, Food and Rural Affairs",
                               "the Secretary of State for Environment, Food and Rural Affairs")]),
    "foreign": ("CL", 3, [
        ("2020-09-02", 16, "Foreign and Commonwealth Office",
         "the Secretary of State for Foreign and Commonwealth Affairs"),
        (None, 208, "Foreign, Commonwealth and Development Office",  # real
         "the Secretary of State for Foreign, Commonwealth and Development Affairs")]),
    "development": ("CL", 2, [
        ("2020-09-02", 20, "Department for International Development",
         "the Secretary of State for International Development"),
        (None, 208, "Foreign, Commonwealth and Development Office",
         "the Secretary of State for Foreign, Commonwealth and Development Affairs")]),
    "work": ("CL", 4, [(None, 29, "Department for Work and Pensions",  # real
                        "the Secretary of State for Work and Pensions")]),
    "treasury": ("CL", 4, [(None, 14, "HM Treasury", "the Chancellor of the Exchequer")]),
    "justice": ("CL", 3, [(None, 54, "Ministry of Justice", "the Secretary of State for Justice")]),
    "housing": ("CL", 3, [
        ("2018-01-08", 7, "Department for Communities and Local Government",
         "the Secretary of State for Communities and Local Government"),
        ("2021-09-19", 7, "Ministry of Housing, Communities and Local Government",
         "the Secretary of State for Housing, Communities and Local Government"),
        ("2024-07-08", 211, "Department for Levelling Up, Housing and Communities",  # real
         "the Secretary of State for Levelling Up, Housing and Communities"),
        (None, 7, "Ministry of Housing, Communities and Local Government",  # real
         "the Secretary of State for Housing, Communities and Local Government")]),
    "business": ("CL", 3, [
        ("2016-07-14", 9, "Department for Business, Innovation and Skills",
         "the Secretary of State for Business, Innovation and Skills"),
        ("2023-02-07", 201, "Department for Business, Energy and Industrial Strategy",  # real
         "the Secretary of State for Business, Energy and Industrial Strategy"),
        (None, 214, "Department for Business and Trade",  # real
         "the Secretary of State for Business and Trade")]),
    "trade": ("CL", 2, [
        ("2016-07-14", 9, "Department for Business, Innovation and Skills",
         "the Secretary of State for Business, Innovation and Skills"),
        ("2023-02-07", 202, "Department for International Trade",  # real
         "the Secretary of State for International Trade"),
        (None, 214, "Department for Business and Trade",
         "the Secretary of State for Business and Trade")]),
    "energy": ("CL", 3, [
        ("2016-07-14", 12, "Department of Energy and Climate Change",
         "the Secretary of State for Energy and Climate Change"),
        ("2023-02-07", 201, "Department for Business, Energy and Industrial Strategy",
         "the Secretary of State for Business, Energy and Industrial Strategy"),
        (None, 216, "Department for Energy Security and Net Zero",
         "the Secretary of State for Energy Security and Net Zero")]),
    "science": ("CL", 2, [
        ("2016-07-14", 9, "Department for Business, Innovation and Skills",
         "the Secretary of State for Business, Innovation and Skills"),
        ("2023-02-07", 201, "Department for Business, Energy and Industrial Strategy",
         "the Secretary of State for Business, Energy and Industrial Strategy"),
        (None, 215, "Department for Science, Innovation and Technology",
         "the Secretary of State for Science, Innovation and Technology")]),
    "digital": ("CL", 2, [
        ("2017-07-03", 10, "Department for Culture, Media and Sport",
         "the Secretary of State for Culture, Media and Sport"),
        ("2023-02-07", 10, "Department for Digital, Culture, Media and Sport",  # real
         "the Secretary of State for Digital, Culture, Media and Sport"),
        (None, 215, "Department for Science, Innovation and Technology",
         "the Secretary of State for Science, Innovation and Technology")]),
    "culture": ("CL", 3, [
        ("2017-07-03", 10, "Department for Culture, Media and Sport",  # real
         "the Secretary of State for Culture, Media and Sport"),
        ("2023-02-07", 10, "Department for Digital, Culture, Media and Sport",
         "the Secretary of State for Digital, Culture, Media and Sport"),
        (None, 217, "Department for Culture, Media and Sport",  # real
         "the Secretary of State for Culture, Media and Sport")]),
    "transport": ("CL", 3, [(None, 27, "Department for Transport",
                             "the Secretary of State for Transport")]),
    "cabinet": ("CL", 3, [(None, 53, "Cabinet Office",  # real
                           "the Minister for the Cabinet Office")]),
    "brexit": ("CL", 2, [
        ("2016-07-14", 16, "Foreign and Commonwealth Office",
         "the Secretary of State for Foreign and Commonwealth Affairs"),
        ("2020-01-31", 203, "Department for Exiting the European Union",
         "the Secretary of State for Exiting the European Union"),
        (None, 53, "Cabinet Office", "the Minister for the Cabinet Office")]),
    "ni": ("CL", 2, [(None, 21, "Northern Ireland Office",
                      "the Secretary of State for Northern Ireland")]),
    "scotland": ("CL", 1, [(None, 30, "Scotland Office", "the Secretary of State for Scotland")]),
    "wales": ("CL", 1, [(None, 31, "Wales Office", "the Secretary of State for Wales")]),
    "equalities": ("CL", 2, [(None, 48, "Women and Equalities",
                              "the Minister for Women and Equalities")]),
    "attorney": ("CL", 1, [(None, 19, "Attorney General", "the Attorney General")]),
    "leader": ("C", 1, [(None, 38, "Leader of the House", "the Leader of the House")]),
    "pm": ("C", 1, [(None, 23, "Prime Minister", "the Prime Minister")]),
    "church": ("C", 0, [(None, 6, "Church Commissioners", _REP + "the Church Commissioners")]),
    "hocc": ("C", 0, [(None, 24, "House of Commons Commission",
                       _REP + "the House of Commons Commission")]),
    "electoral": ("C", 0, [(None, 25, "Speaker's Committee on the Electoral Commission",
                            _REP + "the Speaker's Committee on the Electoral Commission")]),
    "pac": ("C", 0, [(None, 26, "Public Accounts Commission",
                      _REP + "the Public Accounts Commission")]),
    "ipsa": ("C", 0, [(None, 206, "Speaker's Committee for the Independent Parliamentary "
                       "Standards Authority", _REP + "the Speaker's Committee for the Independent "
                       "Parliamentary Standards Authority")]),
    "lordscomm": ("L", 0, [(None, 207, "House of Lords Commission", "the Senior Deputy Speaker")]),
}

# Bodies that answered before 2014 or only rarely: part of the reference list (as the Members
# API's /Reference/AnsweringBodies is), never drawn for a question.
_OTHER_BODIES = [
    (2, "Department for Children, Schools and Families", "2007-06-28", "2010-05-12"),
    (3, "Department of Trade and Industry", None, "2007-06-28"),
    (4, "Department for Constitutional Affairs", "2003-06-12", "2007-05-09"),
    (5, "Office of the Deputy Prime Minister", "2002-05-29", "2006-05-05"),
    (8, "Department for Innovation, Universities and Skills", "2007-06-28", "2009-06-05"),
    (15, "Department for Business, Enterprise and Regulatory Reform", "2007-06-28", "2009-06-05"),
    (18, "Department for Education and Skills", "2001-06-08", "2007-06-28"),
    (22, "Ministry of Agriculture, Fisheries and Food", None, "2001-06-08"),
    (28, "Department of Social Security", None, "2001-06-08"),
    (32, "Lord Chancellor's Department", None, "2003-06-12"),
    (33, "Department for Environment, Transport and the Regions", "1997-05-02", "2001-06-08"),
    (34, "Department for Transport, Local Government and the Regions", "2001-06-08",
     "2002-05-29"),
    (36, "Solicitor General", None, None),
    (37, "Advocate General for Scotland", None, None),
    (39, "Leader of the House of Lords", None, None),
    (40, "Deputy Prime Minister", None, None),
    (41, "Chancellor of the Duchy of Lancaster", None, None),
    (42, "Lord Privy Seal", None, None),
    (43, "Minister for the Olympics", "2007-06-28", "2012-09-30"),
    (44, "Minister without Portfolio", None, None),
    (45, "Government Equalities Office", "2007-10-12", None),
    (46, "Parliamentary Works Sponsor Body", "2020-04-01", "2022-12-31"),
    (47, "Minister for London", "2008-01-01", "2010-05-12"),
    (49, "Northern Ireland Executive Office", None, None),
    (50, "Minister for Intergovernmental Relations", "2022-10-25", "2024-07-05"),
]

# Reshuffles and changes of government: ministers change at these dates.
_RESHUFFLES = [
    ("2014-01-01", "coalition"), ("2014-07-15", "coalition"), ("2015-05-08", "Con"),
    ("2016-07-14", "Con"), ("2017-06-11", "Con"), ("2018-01-08", "Con"), ("2019-07-24", "Con"),
    ("2020-02-13", "Con"), ("2021-09-15", "Con"), ("2022-09-06", "Con"), ("2022-10-25", "Con"),
    ("2023-11-13", "Con"), ("2024-07-05", "Lab"), ("2025-09-05", "Lab"),
]
# Lords questions address "Her Majesty's Government" until the accession of Charles III.
_HIS_MAJESTY_FROM = "2022-09-08"

# Parliamentary sessions: uins restart at 1 in each (Commons and Lords alike).
_SESSIONS = ["2013-05-08", "2014-06-04", "2015-05-18", "2016-05-18", "2017-06-21", "2019-10-14",
             "2019-12-17", "2021-05-11", "2022-05-10", "2023-11-07", "2024-07-17"]

# --------------------------------------------------------------------------------------------
# Headings: topics per department ("!" marks a proper name that is never lower-cased).
# --------------------------------------------------------------------------------------------

_TOPICS = {
    "home": """
Asylum|Immigration|Police|!Windrush Compensation Scheme|Knives|Crime|Antisocial Behaviour|Drugs
Terrorism|Radicalisation|Fraud|Modern Slavery|Human Trafficking|Visas|Deportation|Firearms
Immigration Controls|!Border Force|Passports|Shoplifting|Domestic Abuse|Stalking|Hate Crime
Violence against Women and Girls|Fire and Rescue Services|Police Custody|Undocumented Migrants
Refugees|Immigration Detention|Cybercrime|Child Sexual Abuse|Extradition|Small Boats
Police and Crime Commissioners|Dangerous Dogs|Protest|Spiking|Biometrics|Facial Recognition
!Prevent Programme|!National Crime Agency|Asylum Seekers|Special Constables|Emergency Calls
!EU Settlement Scheme|Counter-terrorism|Bail Hostels|Police Stations|!Homes for Ukraine Scheme
""",
    "health": """
NHS|Mental Health Services|Dental Services|Hospitals|General Practitioners|Cancer|Dementia
Autism|Social Services|Care Homes|Carers|Nurses|Doctors|Ambulance Services|Maternity Services
Accident and Emergency Departments|Midwives|Pharmacy|Prescriptions|Vaccination|Obesity|Smoking
Alcoholic Drinks|Eating Disorders|Strokes|Diabetes|Heart Diseases|Sickle Cell Diseases
Motor Neurone Disease|Multiple Sclerosis|Endometriosis|Menopause|Hospices|Palliative Care
Organ Transplants|Blood|Health Services|Health Visitors|Physiotherapy|Continuing Care|Surgery
Medical Treatments|Medicine|Suicide|Public Health|Infectious Diseases|Long Covid|Medical Records
Clinical Trials|Pregnancy|Abortion|Breast Cancer|Prostate Cancer|Hearing Impairment|Eyesight
Ophthalmic Services|Lyme Disease|Rare Diseases|Junior Doctors|Health Professions|!NHS England
NHS Trusts|!Integrated Care Boards|!Care Quality Commission|Incontinence|Cystic Fibrosis
Epilepsy|Attention Deficit Hyperactivity Disorder|Gender Dysphoria|Breastfeeding|HIV Infection
Sexually Transmitted Infections|Infant Mortality|Neonatal Care|Vaccines|!NHS Test and Trace
Coronavirus|Hospital Beds|Social Prescribing|Personal Protective Equipment|Cosmetic Surgery
""",
    "education": """
Schools|Special Educational Needs|Teachers|Pupils|Academies|School Meals|Further Education
Higher Education|Universities|Students|Student Loans|Apprentices|Childcare|Pre-school Education
Nurseries|Free Schools|Grammar Schools|Faith Schools|School Buildings|Truancy|Pupil Exclusions
Home Education|Curriculum|GCSE|A-levels|T-levels|Vocational Education|Adult Education
Skilled Workers|Children in Care|Foster Care|Adoption|Children's Social Care|Youth Services
Sex and Relationship Education|Mathematics|Music Education|Physical Education|Modern Languages
Literacy|Teaching Assistants|School Transport|Educational Psychology|Private Education|Bullying
Safeguarding|!Ofsted|Education|Child Poverty|Reinforced Autoclaved Aerated Concrete
Holiday Activities
""",
    "defence": """
Armed Forces|Veterans|Army|!Royal Navy|!Royal Air Force|Military Aircraft|Warships|Submarines
Defence Equipment|Ammunition|Nuclear Weapons|!Trident|Military Bases|Reserve Forces
!Armed Forces Covenant|Service Families|Military Decorations|Defence|Cadets|Military Exercises
Defence Procurement|!Ajax Vehicles|!Type 26 Frigates|!F-35 Aircraft|Military Aid|Missiles
Unmanned Air Vehicles|Cyber Warfare|Space Technology|Service Accommodation|War Graves|!Gurkhas
Nuclear Test Veterans|Defence Estates|Military Alliances|Armed Forces Pensions|Helicopters
""",
    "environment": """
Agriculture|Farmers|Fisheries|Sewage|Water Companies|Water Supply|Flood Control|Floods
Air Pollution|Plastics|Recycling|Waste Disposal|Fly-tipping|Animal Welfare|Dogs|Cats|Horses
Badgers|Bovine Tuberculosis|Avian Influenza|Pesticides|Food|Food Labelling|Food Security|Trees
Forests|National Parks|Wildlife|Biodiversity|Hunting|Rivers|Beaches|Litter|Noise|Livestock
Veterinary Medicine|Slaughterhouses|Dairy Farming|Environment Protection|Peat|Soil|Glyphosate
!Environment Agency|!Natural England|!Sustainable Farming Incentive|Rural Areas|Allotments
Hedgerows|Bees|Marine Protected Areas|Invasive Species|Hornets|Incinerators|Bathing Water
""",
    "foreign": """
Human Rights|Embassies|Diplomatic Service|Consular Assistance|British Nationals Abroad
Arms Trade|Sanctions|Religious Freedom|Genocide|Hostage Taking|!Chagos Islands|Diplomats
Overseas Territories|!Commonwealth|!United Nations|!NATO|Foreign Relations|!Middle East
Palestinians|Press Freedom|Capital Punishment|Torture|!British Council|!BBC World Service
Cyber Attacks|Soft Power|!Falkland Islands|!Gibraltar|Military Alliances|Hong Kong Nationals
""",
    "development": """
Development Aid|Humanitarian Aid|Overseas Aid|Poverty|Malaria|Polio|Family Planning|Nutrition
Neglected Tropical Diseases|Clean Water|Climate Finance|Girls' Education|!Global Fund
!CDC Group|!British International Investment|!Gavi|Food Aid|Famine|Disaster Relief
""",
    "work": """
!Universal Credit|!Personal Independence Payment|!Employment and Support Allowance
State Pension|Pensions|!Pension Credit|Jobcentres|Unemployment|Employment|Carer's Allowance
Social Security Benefits|!Child Maintenance Service|!Cost of Living Payments
!Winter Fuel Payment|Housing Benefit|!Disability Living Allowance|Work Capability Assessment
Benefit Fraud|!Access to Work Programme|Disability|Food Banks|!Kickstart Scheme|Motability
!Attendance Allowance|!Bereavement Support Payment|Two-child Limit|!Health and Safety Executive
Employment Schemes|Older Workers|Auto-enrolment|Pension Funds|!Household Support Fund
Statutory Sick Pay|Social Security Benefits: Appeals
""",
    "treasury": """
Taxation|Income Tax|VAT|Corporation Tax|Inheritance Tax|Capital Gains Tax|Stamp Duty Land Tax
Fuel Duty|Excise Duties|!HMRC|Tax Evasion|Tax Avoidance|Public Expenditure|Public Finance
Banks|Building Societies|Financial Services|Mortgages|Pensions Tax Relief|Economic Growth
Inflation|Interest Rates|National Debt|Loans|Cash Machines|Cryptocurrencies|Insurance|Savings
Individual Savings Accounts|Child Benefit|Tax Credits|Self-assessment|Business Rates|Customs
Public Sector Pay|Off-payroll Working|!Loan Charge|Fiscal Policy|Gambling Duty|Credit Unions
Bank Services|!Help to Buy Scheme|Freeports|Contactless Payments|Money Laundering
!Financial Conduct Authority|!Bank of England|Spending Review|Tobacco Duties|Alcohol Duties
""",
    "justice": """
Prisons|Prisoners|Prison Officers|Courts|!Crown Court|Magistrates' Courts|Legal Aid Scheme
Probation|Sentencing|Offenders|Youth Custody|Family Courts|Tribunals|Employment Tribunals
Judges|Coroners|Jury Service|Victims|!Victims' Commissioner|!Human Rights Act 1998|Divorce
Wills|Powers of Attorney|Parole|Reoffenders|Young Offenders|Women's Prisons|Criminal Proceedings
Civil Proceedings|Legal Profession|Judicial Review|Sexual Offences|Rape|Court Backlogs
Electronic Tagging|Private Prosecutions|Bail|Remand in Custody|!HM Prison and Probation Service
!Legal Aid Agency|Solicitors|Barristers|Litigants in Person|Imprisonment for Public Protection
Prisons: Overcrowding
""",
    "housing": """
Housing|Affordable Housing|Social Rented Housing|Council Housing|Private Rented Housing
Homelessness|Rough Sleeping|Temporary Accommodation|Leasehold|Building Regulations|Cladding
High Rise Flats|Planning|Planning Permission|Green Belt|New Towns|Local Government Finance
Council Tax|Local Government|Devolution|Mayors|Combined Authorities|!Levelling Up Fund
Town Centres|High Streets|Community Relations|Integration|Faith Groups|Antisemitism
Islamophobia|Park Homes|Holiday Accommodation|Second Homes|Empty Property|Landlords|Tenants
Evictions|Damp|Energy Performance Certificates|Fire Safety|!Grenfell Tower|Local Plans
Regeneration|Urban Areas|Shared Ownership|Housing Associations|Housing: Construction
""",
    "business": """
Business|Small Businesses|Manufacturing Industries|Steel Industry|Retail Trade|Pubs
Hospitality Industry|Post Offices|!Royal Mail|Employment Rights|Minimum Wage|Trade Unions
Zero Hours Contracts|Companies|Insolvency|Company Directors|Late Payments|Consumer Protection
Product Safety|Competition|Parental Leave|Flexible Working|Fire and Rehire|Tips|Industrial
Motor Vehicles|Automotive Industry|Aerospace Industry|Ceramics|Chemicals|Life Sciences
Investment|Regional Growth|Intellectual Property|!British Business Bank|Audit|Subsidies
Hallmarking|!Pubs Code Adjudicator|Supply Chains|Fireworks|!Horizon IT System|Sub-postmasters
""",
    "trade": """
Trade Agreements|Exports|Imports|Free Trade|Tariffs|!World Trade Organisation|Export Controls
Trade Promotion|Foreign Investment in UK|Trade Envoys|!UK Export Finance|Trade Remedies
!Board of Trade|Trade Negotiations|Trade Missions|Rules of Origin
""",
    "energy": """
Energy|Electricity|Gas|Energy Prices|Energy Bills|Fuel Poverty|Renewable Energy|Wind Power
Solar Power|Offshore Wind|Onshore Wind|Nuclear Power|Hydrogen|Carbon Capture and Storage
Heat Pumps|Home Insulation|Energy Efficiency|Oil|North Sea Oil|Fracking|Coal|Climate Change
Net Zero|Electricity Generation|!National Grid|Energy Supply|Prepayment Meters|Smart Meters
Heating Oil|Biomass|Tidal Power|Small Modular Reactors|!Ofgem|!Great British Energy
District Heating|Emissions Trading|Energy Storage|Geothermal Energy|!Energy Company Obligation
!Warm Home Discount Scheme|!Energy Bills Support Scheme
""",
    "science": """
Research|Science|Space Technology|Quantum Technology|Semiconductors|Innovation
Research and Development|!UK Research and Innovation|!Horizon Europe|Scientists|Genomics
Engineering|Animal Experiments|Biotechnology|Synthetic Biology|Nuclear Fusion|Supercomputers
""",
    "digital": """
Broadband|Mobile Phones|Telecommunications|5G|Internet|Social Media|Online Safety|Radio
Data Protection|Digital Technology|Emergency Alerts|Cybersecurity|Artificial Intelligence
!Gigabit Broadband Voucher Scheme|Fibre Optics|Public Telephones|Telephone Services|Satellites
""",
    "culture": """
Arts|Museums and Galleries|Libraries|Theatre|Music|Live Music|Festivals and Special Occasions
Sports|Football|Cricket|Rugby|Horse Racing|Gambling|!National Lottery|Broadcasting|!BBC
!Channel 4|Television|Television Licences|Press|Journalism|Heritage|Listed Buildings|Dance
Historic Buildings|Tourism|Creative Industries|Film Industry|Video Games|Charities|Volunteering
Youth Clubs|Loneliness|!Commonwealth Games|!Olympic Games|Swimming Pools|Grassroots Sport
Events Industry|Public Libraries|Cultural Heritage|Community Foundations|Dormant Assets
!Arts Council England|Football Governance|Local Press|Music Venues|!Coronation
""",
    "transport": """
Railways|Rail Fares|Bus Services|Roads|Potholes|Motorways|Speed Limits|Driving Tests|Taxis
Driving Licences|!Driver and Vehicle Licensing Agency|Electric Vehicles|Charging Points|Cycling
Walking|Aviation|Airports|!Heathrow Airport|Shipping|Ports|!High Speed 2 Railway Line
!Northern Powerhouse Rail|!Crossrail|Railway Stations|Train Operating Companies|Road Safety
Level Crossings|MOT Tests|Parking|!Blue Badge Scheme|Concessionary Bus Travel|Public Transport
Transport|Drink-driving|E-scooters|Large Goods Vehicles|Coastguard|Seafarers|Ferries
Air Traffic Control|Road Traffic Offences|Lorry Drivers|Smart Motorways|Light Rail
""",
    "cabinet": """
Civil Service|Government Departments|Public Appointments|Ministers|Special Advisers
Public Inquiries|!Covid-19 Inquiry|Elections|Electoral Register|Voting|Voter Identification
Constitutional Reform|Public Sector|Government Procurement|Outsourcing|Honours|Official Secrets
Freedom of Information|!Office for National Statistics|Census|Government Communication
Emergencies|Resilience|!Government Property Agency|Lobbying|!Ministerial Code
!Infected Blood Compensation Scheme|Contingent Liabilities|Civil Servants|Fast Stream
!Government Digital Service|Intergovernmental Relations|Local Elections|Party Funding
""",
    "brexit": """
!Brexit|!European Union|!Withdrawal from the European Union|EU Nationals|Retained EU Law
!European Economic Area|!UK Internal Market|!Withdrawal Agreement|EU Law
""",
    "ni": """
!Northern Ireland|!Northern Ireland Executive|!Northern Ireland Assembly|Troubles
!Windsor Framework|!Northern Ireland Protocol|Paramilitary Groups|Victims of Terrorism
!Belfast Agreement|Border with Ireland|Northern Ireland Legacy Commission
""",
    "scotland": """
!Scotland|!Scottish Government|!Scotch Whisky|Scottish Independence|!Crown Estate Scotland
""",
    "wales": "!Wales|!Welsh Government|!Welsh Language|Welsh Economy",
    "equalities": """
Equality|Gender Recognition|LGBT+ People|Conversion Therapy|Gender Pay Gap|Ethnicity Pay Gap
Race Relations|Women|Sexual Harassment|!Equality Act 2010|!Equality and Human Rights Commission
Pregnancy Discrimination|Transgender People
""",
    "attorney": """
!Crown Prosecution Service|Prosecutions|!Serious Fraud Office|Unduly Lenient Sentences
Legal Advice|!Government Legal Department|Contempt of Court
""",
    "leader": """
Parliamentary Scrutiny|Sitting Hours|Private Members' Bills|Parliamentary Questions
Select Committees|Standing Orders|Proxy Voting
""",
    "pm": "Prime Minister|Official Engagements|Cabinet Committees",
    "church": """
!Church of England|Churches|Church Buildings|Clergy|Cathedrals|Marriage|Bishops|Church Schools
Church Commissioners|Church Land
""",
    "hocc": """
!Palace of Westminster|Parliamentary Estate|Members' Staff|!House of Commons|Parliamentary Security
Parliamentary Catering|Parliamentary Art Collection|Restoration and Renewal
""",
    "electoral": """
!Electoral Commission|Electoral Fraud|Political Parties|Election Expenses|Referendums
Boundary Reviews|Overseas Voters|Voter Registration
""",
    "pac": "!National Audit Office|Value for Money",
    "ipsa": "!Independent Parliamentary Standards Authority|Members' Expenses|Members' Staff Pay",
    "lordscomm": "!House of Lords|Lords Allowances|Lords Chamber|House of Lords Catering",
}

# Relative size of each department in the stream (via how many headings it owns).
_DEPT_BREADTH = {
    "health": 60, "education": 50, "home": 50, "work": 45, "treasury": 45, "environment": 45,
    "foreign": 35, "defence": 40, "justice": 40, "housing": 40, "transport": 40, "business": 35,
    "energy": 35, "culture": 35, "cabinet": 30, "digital": 30, "science": 25, "trade": 25,
    "development": 30, "brexit": 25, "ni": 20, "scotland": 12, "wales": 12, "equalities": 25,
    "attorney": 12, "leader": 4, "pm": 3, "church": 4, "hocc": 4, "electoral": 4, "pac": 3,
    "ipsa": 3, "lordscomm": 4,
}

_PLACE_SUBS = _split("""
England|Wales|Scotland|Northern Ireland|North East|North West|Yorkshire and the Humber
East Midlands|West Midlands|East of England|London|South East|South West|Birmingham|Manchester
Leeds|Glasgow|Cardiff|Belfast|Bristol|Liverpool|Sheffield|Newcastle upon Tyne|Plymouth|Hull
Stoke-on-Trent|Coventry|Leicester|Nottingham|Derby|Southampton|Portsmouth|Brighton|Norwich
Cambridge|Oxford|York|Swansea|Wrexham|Aberdeen|Dundee|Inverness|Cornwall|Devon|Kent|Essex
Cumbria|Lincolnshire|Norfolk|Suffolk|Surrey|Hertfordshire|Lancashire|County Durham
Northumberland|Somerset|Dorset|Wiltshire|Gloucestershire|Shropshire|Staffordshire
Worcestershire|Warwickshire|Oxfordshire|Berkshire|Buckinghamshire|Hampshire|Isle of Wight
South Yorkshire|West Yorkshire|Greater Manchester|Merseyside|Tyne and Wear|Teesside
Milton Keynes|Bedfordshire|Cheshire|Derbyshire|North Yorkshire|Highlands and Islands
""")
_GROUP_SUBS = _split("""
Young People|Children|Older People|Females|Men|Ethnic Groups|Disability|Veterans|Carers
Low Incomes|Students|Refugees|LGBT+ People|Migrant Workers|Self-employed|Small Businesses
Rural Areas|Coastal Areas|Disadvantaged|Foreign Nationals|Families|Deaf People|Prisoners
Visual Impairment|Autism|Armed Forces|Pensioners|Care Leavers|Gypsies and Travellers
""")
_ASPECT_SUBS = _split("""
Staff|Finance|Coronavirus|Procurement|Recruitment|Training|Regulation|Standards|Costs|Safety
Contracts|Waiting Lists|Pay|Public Consultation|Research|Databases|Fraud|Inspections|Location
Prices|Taxation|Employment|Crime|Health Hazards|Reviews|Infrastructure|Mental Health|Equality
Repairs and Maintenance|Private Sector|Social Media|Artificial Intelligence|Cybersecurity
Closures|Carbon Emissions|Climate Change|Energy|Visas|Appeals|Compensation|Fees and Charges
Vacancies|Working Conditions|Charities|Local Government|Legislation|Statistics|Enforcement
Licensing|Vetting|Technology|Sign Language|Translation Services|Insurance|Pensions|Housing
Transport|Schools|Universities|Apprentices|Sexual Offences|Domestic Abuse|Human Rights|Poverty
Gender Based Violence|Cost of Living|Tourism|Accountability|Accidents|Advertising|Complaints
Animal Welfare|Assessments|Capital Investment|Contingency Planning|Data Protection|Diagnosis
Disclosure of Information|Drugs|Environment Protection|Exports|Forecasts|Fuels|Labelling
Government Assistance|Impact Assessments|Internet|Land|Marketing|Medical Treatments|Misconduct
Mortality Rates|Ownership|Performance Standards|Pilot Schemes|Pollution|Privatisation|Rents
Productivity|Protective Clothing|Public Participation|Quality|Remote Working|Security
Shortages|Subsidies|Surveys|Suspension|Terrorism|Theft|Tendering|Time Limits|Unemployment
Vandalism|Weather|Written Questions|Correspondence|Travel|Conferences|Domestic Visits
""")
_COUNTRIES = _split("""
Afghanistan|Algeria|Argentina|Armenia|Australia|Azerbaijan|Bahrain|Bangladesh|Belarus|Bolivia
Bosnia and Herzegovina|Brazil|Burundi|Cambodia|Cameroon|Canada|China|Colombia|Cuba|Cyprus
Democratic Republic of Congo|Egypt|Eritrea|Ethiopia|France|Gambia|Georgia|Germany|Ghana
Greece|Guatemala|Haiti|Hong Kong|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Japan
Jordan|Kashmir|Kazakhstan|Kenya|Kosovo|Kuwait|Lebanon|Libya|Malawi|Malaysia|Maldives|Mali
Mexico|Moldova|Morocco|Mozambique|Myanmar|Nepal|Nicaragua|Niger|Nigeria|North Korea|Oman
Pakistan|Philippines|Poland|Qatar|Russia|Rwanda|Saudi Arabia|Serbia|Sierra Leone|Somalia
South Africa|South Korea|South Sudan|Spain|Sri Lanka|Sudan|Syria|Taiwan|Tanzania|Thailand
Tibet|Tunisia|Turkey|Uganda|Ukraine|United Arab Emirates|USA|Uzbekistan|Venezuela|Vietnam
Western Sahara|Xinjiang|Yemen|Zambia|Zimbabwe|Gaza|West Bank|Nagorno Karabakh|Tigray
""")
# Subtopic of a country heading -> department answering it (default: foreign affairs).
_COUNTRY_SUBS = {
    **dict.fromkeys(_split("""
Human Rights|Diplomatic Relations|Religious Freedom|Politics and Government|Journalists
Detainees|Embassies|Foreign Relations|Capital Punishment|Freedom of Expression|Christianity
Elections|Hostage Taking|Peace Negotiations|Economic Situation|Genocide|Minority Groups
Sanctions|Females|Children|British Nationals Abroad|Terrorism|Coronavirus|Travel Restrictions
"""), "foreign"),
    **dict.fromkeys(_split("""
Humanitarian Aid|Overseas Aid|Development Aid|Food Supply|Droughts|Floods|Famine|Health Services
"""), "development"),
    **dict.fromkeys(_split("Trade Agreements|Exports|Investment|Imports"), "trade"),
    **dict.fromkeys(_split("Military Aid|Military Intervention|Arms Trade|Military Bases"),
                    "defence"),
    **dict.fromkeys(_split("Visas|Refugees|Deportation|Asylum"), "home"),
}

# The most-asked headings, in popularity order: they head the Zipf ranking ("*" = any department,
# as "Members: Correspondence" is answered by all of them).
_HOT = [
    ("Universal Credit", "work"), ("Members: Correspondence", "*"),
    ("Coronavirus: Vaccination", "health"), ("Asylum", "home"),
    ("Special Educational Needs", "education"), ("Israel: Palestinians", "foreign"),
    ("Schools: Finance", "education"), ("Ukraine: Military Aid", "defence"), ("Brexit", "brexit"),
    ("NHS: Staff", "health"), ("Mental Health Services", "health"),
    ("Unemployment: Young People", "work"), ("Housing: Construction", "housing"),
    ("Prisons: Overcrowding", "justice"), ("Dental Services", "health"),
    ("Electric Vehicles: Charging Points", "transport"), ("Personal Independence Payment", "work"),
    ("Social Services: Older People", "health"), ("Visas: Overseas Students", "home"),
    ("Broadband: Rural Areas", "digital"), ("Cancer: Health Services", "health"),
    ("Coronavirus: Disease Control", "health"), ("Autism: Diagnosis", "health"),
    ("Knives: Crime", "home"), ("Fuel Poverty", "energy"),
    ("Sudan: Humanitarian Aid", "development"),
    ("Air Pollution", "environment"), ("Sewage: Pollution", "environment"),
    ("Police: Recruitment", "home"), ("Veterans: Mental Health", "defence"),
    ("Armed Forces: Recruitment", "defence"), ("NHS Test and Trace", "health"),
    ("Written Questions: Government Responses", "*"), ("Gaza: Humanitarian Aid", "development"),
    ("Asylum: Hotels", "home"), ("Carers: Coronavirus", "health"),
    ("Iran: Human Rights", "foreign"),
    ("Hong Kong: Politics and Government", "foreign"), ("Railways: Fares", "transport"),
    ("Apprentices: Employment Agencies", "education"), ("Nurses: Recruitment", "health"),
]
_STAR_DEPTS = ["health", "education", "home", "work", "treasury", "environment", "defence",
               "justice", "housing", "transport", "business", "energy", "culture", "cabinet",
               "foreign"]

# Headings (or heading parts) that only exist in part of the period: (from, until) ISO dates.
_WINDOWS = {
    "Coronavirus": ("2020-02-01", None), "Long Covid": ("2020-09-01", None),
    "Covid-19 Inquiry": ("2022-06-01", None), "NHS Test and Trace": ("2020-05-28", "2022-06-30"),
    "Kickstart Scheme": ("2020-07-01", "2022-12-31"), "Brexit": ("2016-06-23", None),
    "Withdrawal from the European Union": ("2016-06-23", None),
    "Withdrawal Agreement": ("2018-11-14", None), "Retained EU Law": ("2018-06-26", None),
    "Windsor Framework": ("2023-02-27", None), "Northern Ireland Protocol": ("2019-10-17", None),
    "Levelling Up Fund": ("2021-03-03", None), "Freeports": ("2020-02-10", None),
    "Cost of Living Payments": ("2022-05-26", None), "Household Support Fund": ("2021-10-01", None),
    "Windrush Compensation Scheme": ("2019-04-03", None), "Small Boats": ("2018-12-28", None),
    "Great British Energy": ("2024-07-10", None), "Sustainable Farming Incentive":
    ("2021-06-30", None), "Homes for Ukraine Scheme": ("2022-03-14", None),
    "Coronation": ("2022-09-10", "2023-06-30"), "Infected Blood Compensation Scheme":
    ("2023-12-05", None), "British International Investment": ("2022-04-04", None),
    "CDC Group": (None, "2022-04-04"), "UK Internal Market": ("2020-07-16", None),
    "T-levels": ("2018-01-01", None), "Integrated Care Boards": ("2022-07-01", None),
    "Voter Identification": ("2021-05-11", None), "E-scooters": ("2020-07-04", None),
    "Two-child Limit": ("2017-04-06", None), "Cladding": ("2017-06-14", None),
    "Grenfell Tower": ("2017-06-14", None), "Energy Bills Support Scheme": ("2022-05-26",
                                                                           "2023-06-30"),
    "Ukraine: Military Aid": ("2022-02-24", None), "Asylum: Hotels": ("2019-06-01", None),
    "Horizon IT System": ("2019-12-16", None), "Reinforced Autoclaved Aerated Concrete":
    ("2023-08-31", None), "EU Settlement Scheme": ("2019-03-30", None),
    "Gaza: Humanitarian Aid": ("2023-10-07", None), "Online Safety": ("2019-04-08", None),
    "Northern Ireland Legacy Commission": ("2023-09-18", None), "Tigray": ("2020-11-04", None),
    "Hong Kong Nationals": ("2020-07-01", None), "Holiday Activities": ("2021-04-01", None),
}

# --------------------------------------------------------------------------------------------
# Text material for questions and answers
# --------------------------------------------------------------------------------------------

_VERBS = _split("""
increase|improve|review|reform|expand|protect|simplify|reduce|strengthen|publish|extend|support
accelerate|evaluate|monitor|fund|promote|tackle|modernise|streamline|prioritise|safeguard
maintain|introduce|update|replace|consolidate|widen access to|speed up|standardise
""")
_STAKEHOLDERS = _split("""
local authorities|the devolved administrations|industry representatives|trade unions|charities
the Local Government Association|stakeholder groups|professional bodies|regulators|employers
service users|the sector|police forces|international partners|the Scottish Government
the Welsh Government|the Northern Ireland Executive|metro mayors|businesses|academic experts
representative organisations|patient groups|parent groups|community groups|NHS England|Ofsted
the Environment Agency|HMRC|the Bank of England|the Financial Conduct Authority|the Met Office
""")
_GENERIC_W = _split("""
local authority funding|the workforce|waiting times|capital investment|public spending
the regulatory framework|value for money|data sharing|digital services|service delivery
the statutory guidance|performance standards|long-term sustainability|frontline services
the evidence base|the pilot scheme|the independent review|the funding formula
the application process|eligibility criteria|the appeals process|the consultation response
the implementation plan|contract management|staff retention|recruitment and retention
training provision|the supply chain|cost pressures|regional disparities|the impact assessment
public awareness|the accessibility of services|equality impacts|online services|fraud and error
enforcement action|the backlog|processing times|the administrative burden|inspection regimes
safeguarding arrangements|the roll-out|the transition period|the compensation scheme
grant funding|carbon emissions|energy efficiency|inflationary pressures|productivity|innovation
skills shortages|the capital programme|maintenance backlogs|IT systems|cyber resilience
data quality|management information|the risk register|contingency planning|vacancy rates
outcomes for service users|the National Audit Office's recommendations|agency staff costs
the use of consultants|procurement rules|local partnerships|the targets|the national strategy
""")
# Only documents that exist in every year of the period (no anachronisms).
_DOCS = _split("""
the Spending Review|the Budget|the White Paper|the Green Paper|the annual report|the action plan
the forthcoming strategy|the published guidance|the departmental plan|the consultation response
the impact assessment|the evaluation report|the national strategy|the implementation plan
""")
_CATEGORIES = [("male", "female"), ("full-time", "part-time"), ("permanent", "temporary"),
               ("urban", "rural"), ("in England", "in Wales"), ("under 18", "over 65"),
               ("British nationals", "foreign nationals"), ("approved", "refused")]
_NUMBER_WORDS = ["three", "five", "10", "two", "four", "six", "seven", "eight", "12", "15"]

# Question templates; the pronoun tokens are filled per house and minister, the rest per record.
_Q_TEMPLATES = [
    "what steps {he_is} taking to improve {p}",
    "what assessment {he_has} made of the adequacy of {p}",
    "what assessment {he_has} made of the potential impact of {w} on {p}",
    "what estimate {he_has} made of the number of people affected by {w} in relation to {p}",
    "whether {he_plans} to {v} {w} in relation to {p}",
    "what discussions {he_has} had with {k} on {p}",
    "what plans {he_has} to {v} {w} for {p}",
    "what funding {dept_has} allocated to {p} in each financial year since {y}",
    "what guidance {dept_has} issued to {k} on {p}",
    "when {he_plans} to publish {d} on {p}",
    "what data {he_holds} on {p}, broken down by (a) region, (b) age and (c) sex",
    "how many {w} there have been in relation to {p} in each of the last {n} years",
    "how much {dept_has} spent on {p} in each of the last {n} financial years",
    "whether {he_has} made an assessment of the potential merits of {w} for {p}",
    "for what reason {he_has} decided not to {v} {w} in relation to {p}",
    "what progress {he_has} made on {w} for {p}",
    "what recent discussions {he_has} had with {k} on the potential impact of {w} on {p}",
    "what proportion of {w} in relation to {p} were (a) {c1} and (b) {c2} in {y}",
    "whether {he_will} publish the evidence used to reach the decision on {p}",
    "with reference to {p}, what the timetable is for {w}",
    "what representations {he_has} received on {p} since {y}",
    "what recent assessment {he_has} made of the effectiveness of {p}",
    "whether {he_has} had recent discussions with {k} on {w} in the context of {p}",
    "what estimate {he_has} made of the cost to the public purse of {p} in {y}",
    "if {he_will} take steps to {v} {w} in the context of {p}",
]
_Q_CLAUSES = [
    "; and what steps {he_is} taking to {v} {w}",
    "; and whether {he_plans} to {v} {w}",
    "; and what assessment {he_has} made of {w}",
    ", and what the cost to the public purse was of {w} in {y}",
    "; and what discussions {he_has} had with {k} on that matter",
    ", in (a) England, (b) Wales, (c) Scotland and (d) Northern Ireland",
    ", broken down by (a) {c1} and (b) {c2}",
    "; and if {he_will} publish {d}",
]
_PRONOUNS = {
    "he": {"he_is": "he is", "he_has": "he has", "he_plans": "he plans", "he_will": "he will",
           "he_holds": "his Department holds", "dept_has": "his Department has"},
    "she": {"he_is": "she is", "he_has": "she has", "he_plans": "she plans",
            "he_will": "she will", "he_holds": "her Department holds",
            "dept_has": "her Department has"},
    "they": {"he_is": "they are", "he_has": "they have", "he_plans": "they plan",
             "he_will": "they will", "he_holds": "they hold", "dept_has": "they have"},
}

_OPENINGS = [
    "The Government is committed to improving {p}.",
    "{B} keeps {p} under regular review.",
    "The Government recognises the importance of {p} and is taking action to {v} {w}.",
    "Information on {p} is not held centrally.",
    "We are determined to {v} {w}, including in relation to {p}.",
    "Improving {p} is a priority for this Government.",
    "Decisions on {p} are a matter for {k}.",
    "Since {y}, the Government has invested £{m} million in {p}.",
    "{B} does not hold data on {p} in the format requested.",
    "As set out in {d}, the Government is taking forward a programme of work on {p}.",
    "The Government takes {p} extremely seriously.",
    "{B} continues to work closely with {k} on {p}.",
    "Officials in {B} meet regularly with {k} to discuss {p}.",
    "The information requested on {p} is published on GOV.UK.",
    "We have made good progress on {p} since {y}, but there is more to do.",
]
_SENTENCES = [
    "In {y}, {n1} cases were recorded, compared with {n2} in the previous year.",
    "The Government has made available £{m} million to support {w} over the next {t} years.",
    "Officials meet regularly with {k} to discuss {w}.",
    "This information is not held centrally and could only be obtained at disproportionate cost.",
    "We will set out further details in due course.",
    "Responsibility for {w} is devolved to the Scottish Government, the Welsh Government and "
    "the Northern Ireland Executive.",
    "As of the latest published figures, {pc}% of {w} had been completed.",
    "{D} set out our plans to {v} {w}.",
    "The Department continues to work closely with {k} to {v} {w}.",
    "It is not possible to provide a breakdown of {w} by {x}.",
    "The figures are published quarterly in the official statistics on {w}.",
    "We have no plans to {v} {w} at this time.",
    "Between {y} and {y2}, spending on {w} increased by {pc}% in real terms.",
    "Decisions on {w} are taken by {k} based on local need.",
    "This includes £{m} million for {w} and £{m2} million for {w2}.",
    "The Government keeps all policies under review, including those relating to {w}.",
    "Further information on {w} will be published in {d}.",
    "A copy of the guidance on {w} has been placed in the Libraries of both Houses.",
    "We are working at pace to {v} {w}, building on the progress made since {y}.",
    "The Department has commissioned an independent evaluation of {w}, which will report in due "
    "course.",
    "Around {n1} people benefited from {w} in {y}.",
    "We want to {v} {w} so that everyone, wherever they live, can benefit.",
    "Local areas are best placed to decide how to {v} {w}.",
    "The Department does not routinely collect data on {w}.",
    "{D} confirmed an additional £{m} million for {w}.",
    "Guidance on {w} is available at the following link: <a href=\"{u}\" "
    "target=\"_blank\">{u}</a>.",
    "The latest statistics on {w} are available here: <a href=\"{u}\" target=\"_blank\">{u}</a>.",
    "We are also consulting on proposals to {v} {w}.",
    "Ministers and officials regularly discuss {w} with {k}, and will continue to do so.",
    "The data for {y} is provisional and subject to revision.",
    "Figures have been rounded to the nearest {r}.",
    "The Government's priority is to {v} {w} while ensuring value for money for the taxpayer.",
    "Where {w} falls short of the expected standard, we will not hesitate to act.",
    "The review concluded that {w} was broadly effective, and made {n3} recommendations, all of "
    "which the Government has accepted.",
    "Through {d}, we have committed to {v} {w} and to {v2} {w2}.",
    "Our approach to {w} is informed by the advice of {k}.",
    "The number of {w2} rose by {pc}% over the same period.",
    "We recognise the pressures on {w} and are providing support to {k}.",
    "This is in addition to the £{m} million already committed to {w2}.",
    "The Department will write to {k} setting out next steps on {w}.",
]
_URL_BASES = [
    "https://www.gov.uk/government/statistics/", "https://www.gov.uk/government/publications/",
    "https://www.gov.uk/guidance/", "https://www.ons.gov.uk/peoplepopulationandcommunity/",
    "https://explore-education-statistics.service.gov.uk/find-statistics/",
    "https://digital.nhs.uk/data-and-information/publications/statistical/",
]
_AMOUNTS = ["1.5", "2", "3.4", "5", "7", "10", "12", "15", "20", "25", "30", "45", "50", "60",
            "75", "100", "120", "150", "200", "250", "300", "400", "500", "650", "800", "1,000",
            "1,500", "2,300"]

# Ministers in the Commons and Lords, per party (the pool from which governments are drawn).
_MINISTER_CANDIDATES = {"Con": (95, 14), "Lab": (30, 7), "LD": (6, 2)}
_HOLDING_SUBJECT = {"HM Treasury": "HM Treasury has", "Women and Equalities":
                    "The Government Equalities Office has", "Church Commissioners":
                    "The Church Commissioners have", "Prime Minister": "The Prime Minister's "
                    "Office has", "Attorney General": "The Attorney General's Office has",
                    "Leader of the House": "The Office of the Leader of the House has"}


# --------------------------------------------------------------------------------------------
# Pool construction (once per process; independent of the corpus seed)
# --------------------------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _lower_phrase(text: str) -> str:
    """Heading words as they read inside a sentence: common nouns lower-cased, names kept."""
    if text in _PROPER:
        return text
    out = []
    for word in text.split(" "):
        # Acronyms (NHS, GCSE, LGBT+) and words with inner capitals keep their case.
        keep = word in _PROPER_WORDS or word[1:] != word[1:].lower() or not word[:1].isupper()
        out.append(word if keep else word.lower())
    return " ".join(out)


_PROPER = ({raw[1:] for block in _TOPICS.values() for raw in _split(block) if raw[0] == "!"}
           | set(_PLACE_SUBS) | set(_COUNTRIES))
_PROPER_WORDS = ({w for place in [*_PLACE_SUBS, *_COUNTRIES] for w in place.split(" ")}
                 | set(_split("""
Palestinians|British|English|Welsh|Scottish|European|Covid|Windrush|Troubles|Islamophobia|Lords
A-levels|T-levels|Christianity
""")))


class _Pools:
    """Everything that does not depend on the seed: members, bodies, headings, text."""

    def __init__(self) -> None:
        rng = random.Random(_POOL_SEED)
        self._build_members(rng)
        self._build_periods()
        self._build_ministers(rng)
        self._build_headings(rng)
        self._build_text(rng)
        self._build_contexts(rng)

    # ---- members --------------------------------------------------------------------------

    def _build_members(self, rng: random.Random) -> None:
        ids = rng.sample(range(150, 5600), 5000)
        constituencies = self._constituencies(rng)
        self.members: list[dict] = []
        self.gender: list[str] = []  # "he"/"she", parallel to members
        self.house: list[str] = []
        self.ref: list[str] = []  # how an answer refers to the asker
        used_names: set[str] = set()
        for i, (seat, nation) in enumerate(constituencies):
            mid = ids[i]
            party = _weighted(rng, _COMMONS_PARTIES[nation])
            male = rng.random() < 0.62
            first = rng.choice(_MALE if male else _FEMALE)
            if rng.random() < 0.05:
                first = f"{first} {rng.choice(_MALE if male else _FEMALE)}"
            while True:
                surname = self._surname(rng)
                if f"{first} {surname}" not in used_names:
                    break
            used_names.add(f"{first} {surname}")
            r = rng.random()
            title = ("Mr " if male else "Mrs ") if r < 0.07 else "Dr " if r < 0.10 else (
                ("Sir " if male else "Dame ") if r < 0.13 else "Ms " if r < 0.14 and not male
                else "")
            name = f"{title}{first} {surname}"
            list_as = f"{surname}, {title}{first}"
            self._add_member(rng, mid, list_as, name, party, seat, "he" if male else "she",
                             "Commons", "hon. Member")
        self.n_mps = len(self.members)
        i = self.n_mps
        for see in ["Canterbury", "York", *_SEES]:
            arch = see in ("Canterbury", "York")
            name = f"The Lord {'Archbishop' if arch else 'Bishop'} of {see}"
            list_as = f"{see}, {'Abp.' if arch else 'Bp.'}"
            self._add_member(rng, ids[i], list_as, name, "Bshp", "Bishops",
                             "she" if rng.random() < 0.2 else "he", "Lords",
                             "right reverend Prelate")
            i += 1
        places = sorted(set(_VILLAGES) | {t for ts in _TOWNS.values() for t in ts})
        while i < len(ids):
            hereditary = rng.random() < 0.10
            if hereditary:
                r = rng.random()
                place = rng.choice(places)
                surname = self._surname(rng)
                if r < 0.45:
                    name, list_as, ref = f"Earl of {place}", f"{place}, E.", "noble Earl"
                elif r < 0.65:
                    name, list_as, ref = f"Viscount {surname}", f"{surname}, V.", "noble Viscount"
                elif r < 0.9:
                    name, list_as, ref = f"Lord {surname}", f"{surname}, L.", "noble Lord"
                elif r < 0.95:
                    name, list_as, ref = (f"Marquess of {place}", f"{place}, M.",
                                          "noble Marquess")
                else:
                    name, list_as, ref = (f"Countess of {place}", f"{place}, C.",
                                          "noble Countess")
                party = _weighted(rng, _HEREDITARY_PARTIES)
                member_from = "Hereditary"
                gender = "she" if ref == "noble Countess" else "he"
            else:
                male = rng.random() < 0.68
                surname = self._surname(rng)
                rank = "Lord" if male else "Baroness"
                if rng.random() < 0.7:
                    place = rng.choice(places)
                    name, list_as = f"{rank} {surname} of {place}", f"{surname} of {place}"
                else:
                    name, list_as = f"{rank} {surname}", surname
                list_as += ", L." if male else ", B."
                ref = "noble Lord" if male else "noble Baroness"
                party = _weighted(rng, _LIFE_PEER_PARTIES)
                member_from = "Life peer"
                gender = "he" if male else "she"
            if name in used_names:
                continue
            used_names.add(name)
            self._add_member(rng, ids[i], list_as, name, party, member_from, gender, "Lords", ref)
            i += 1

    def _add_member(self, rng: random.Random, mid: int, list_as: str, name: str, party: str,
                    member_from: str, gender: str, house: str, ref: str) -> None:
        pname, colour, abbr = _PARTY[party]
        # A few real thumbnails point at an old photo host; keep that quirk.
        thumb = (f"https://photos.dodspeople.com/photos/{rng.randint(10000, 199999)}.jpg"
                 if rng.random() < 0.03
                 else f"https://members-api.parliament.uk/api/Members/{mid}/Thumbnail")
        self.members.append({"id": mid, "listAs": list_as, "name": name, "party": pname,
                             "partyColour": colour, "partyAbbreviation": abbr,
                             "memberFrom": member_from, "thumbnailUrl": thumb})
        self.gender.append(gender)
        self.house.append(house)
        self.ref.append(ref)

    @staticmethod
    def _surname(rng: random.Random) -> str:
        if rng.random() < 0.05:  # double-barrelled
            a, b = rng.choice(_SURNAMES), rng.choice(_SURNAMES)
            if a != b and "-" not in a + b and " " not in a + b:
                return f"{a}-{b}"
        return rng.choice(_SURNAMES)

    @staticmethod
    def _constituencies(rng: random.Random) -> list[tuple[str, str]]:
        seats: list[tuple[str, str]] = []
        seen: set[str] = set()
        quota = {"E": 533, "W": 40, "S": 59, "N": 18}  # the 2010-2024 distribution of 650 seats
        for nation, count in quota.items():
            towns = _TOWNS[nation]
            tries = 0
            while sum(1 for _, n in seats if n == nation) < count:
                tries += 1
                t = rng.choice(towns)
                r = rng.random()
                if tries > 20000 or r < 0.45:
                    name = t if tries <= 20000 else f"{t} {rng.choice(_DIRECTIONS)} {tries}"
                elif r < 0.65:
                    name = f"{t} {rng.choice(_DIRECTIONS)}"
                elif r < 0.82:
                    name = f"{t} and {rng.choice(towns)}"
                elif r < 0.88 and nation == "S":
                    name = f"{t}, {rng.choice(towns)} and {rng.choice(towns)}"
                elif r < 0.93 and nation == "E":
                    name = f"{rng.choice(_DIRECTIONS)} {rng.choice(_COUNTIES)}"
                elif t in _CITY_DISTRICTS:
                    name = f"{t}, {rng.choice(_CITY_DISTRICTS[t])}"
                else:
                    name = f"{rng.choice(_DIRECTIONS)} {t}"
                if name in seen or (name.count(t) > 1 and " and " in name):
                    continue
                seen.add(name)
                seats.append((name, nation))
        return seats

    # ---- periods and ministers ------------------------------------------------------------

    def _build_periods(self) -> None:
        reshuffle = {_o(d): party for d, party in _RESHUFFLES}
        bounds = set(reshuffle)
        for _, _, segs in _DEPT_SPECS.values():
            bounds.update(_o(until) for until, *_ in segs if until)
        bounds.add(_o(_HIS_MAJESTY_FROM))
        self.period_starts = sorted(b for b in bounds if b >= _o("2014-01-01"))
        self.period_party: list[str] = []
        self.period_reshuffle: list[bool] = []
        party = "coalition"
        for start in self.period_starts:
            self.period_reshuffle.append(start in reshuffle)
            party = reshuffle.get(start, party)
            self.period_party.append(party)

    def period_of(self, ordinal: int) -> int:
        return max(0, bisect.bisect_right(self.period_starts, ordinal) - 1)

    @staticmethod
    def segment(dept: str, ordinal: int) -> tuple[int, str, str]:
        for until, bid, name, addressee in _DEPT_SPECS[dept][2]:
            if until is None or ordinal < _o(until):
                return bid, name, addressee
        raise AssertionError(dept)  # the last segment is open-ended

    def _build_ministers(self, rng: random.Random) -> None:
        mps_by_party: dict[str, list[int]] = {}
        peers_by_party: dict[str, list[int]] = {}
        for idx, m in enumerate(self.members):
            key = {"Conservative": "Con", "Labour": "Lab", "Labour (Co-op)": "Lab",
                   "Liberal Democrat": "LD"}.get(m["party"])
            if key and m["memberFrom"] != "Bishops":
                pool = mps_by_party if self.house[idx] == "Commons" else peers_by_party
                pool.setdefault(key, []).append(idx)
        cand_c: dict[str, list[int]] = {}
        cand_l: dict[str, list[int]] = {}
        for party, (nc, nl) in _MINISTER_CANDIDATES.items():
            cand_c[party] = rng.sample(mps_by_party[party], nc)
            cand_l[party] = rng.sample(peers_by_party[party], nl)
        candidates = {i for v in [*cand_c.values(), *cand_l.values()] for i in v}
        backbench = [i for i in range(self.n_mps) if i not in candidates]
        crossbench = [i for i in range(self.n_mps, len(self.members))
                      if self.members[i]["party"] == "Crossbench"]
        # (period, body id) -> (Commons answerers, Lords answerers), as member indexes
        self.assign: dict[tuple[int, int], tuple[list[int], list[int]]] = {}
        reps: dict[tuple[str, int], int] = {}
        for pi, start in enumerate(self.period_starts):
            gov = self.period_party[pi]
            bodies: dict[int, tuple[int, str, str]] = {}
            for dept, (houses, size, _) in _DEPT_SPECS.items():
                bid, _, addressee = self.segment(dept, start)
                if bid not in bodies or size > bodies[bid][0]:
                    bodies[bid] = (size, houses, addressee)
            for bid in sorted(bodies):
                size, houses, addressee = bodies[bid]
                prev = self.assign.get((pi - 1, bid))
                if addressee.startswith(_REP) or houses == "L":
                    era = "Lab" if gov == "Lab" else "Con"
                    if (era, bid) not in reps:
                        pool = crossbench if houses == "L" else backbench
                        reps[(era, bid)] = rng.choice(pool)
                    rep = reps[(era, bid)]
                    self.assign[(pi, bid)] = ([rep], []) if houses == "C" else ([], [rep])
                    continue
                if prev and not self.period_reshuffle[pi]:
                    self.assign[(pi, bid)] = prev
                    continue

                same_gov = pi > 0 and (self.period_party[pi - 1] == "Lab") == (gov == "Lab")
                keep_c, keep_l = prev if prev and same_gov else ([], [])
                self.assign[(pi, bid)] = (
                    self._pick_ministers(rng, gov, cand_c, keep_c, size),
                    self._pick_ministers(rng, gov, cand_l, keep_l, 1) if "L" in houses else [])
        self.answerers = sorted({m for c, lm in self.assign.values() for m in c + lm})

    @staticmethod
    def _pick_ministers(rng: random.Random, gov: str, cands: dict[str, list[int]],
                        keep: list[int], count: int) -> list[int]:
        """Keep about half of the previous holders, fill the rest from the governing party."""
        out = [m for m in keep if rng.random() < 0.55][:count]
        while len(out) < count:
            party = ("LD" if rng.random() < 0.15 else "Con") if gov == "coalition" else gov
            m = rng.choice(cands[party])
            if m not in out:
                out.append(m)
        return out

    # ---- headings -------------------------------------------------------------------------

    def _build_headings(self, rng: random.Random) -> None:
        rows: dict[str, tuple[str, str]] = {}  # heading -> (department, phrase)
        hot = []
        for heading, dept in _HOT:
            topic, _, sub = heading.partition(": ")
            rows[heading] = (dept, self._phrase(topic, sub))
            hot.append(heading)
        plain, combos = [], []
        subs_all = ([(s, "aspect") for s in _ASPECT_SUBS] + [(s, "group") for s in _GROUP_SUBS]
                    + [(s, "place") for s in _PLACE_SUBS])
        for dept, block in _TOPICS.items():
            breadth = _DEPT_BREADTH[dept]
            for raw in _split(block):
                topic = raw.lstrip("!")
                if ": " in topic:  # a ready-made two-part heading
                    t, _, s = topic.partition(": ")
                    rows.setdefault(topic, (dept, self._phrase(t, s)))
                    combos.append(topic)
                    continue
                if topic not in rows:
                    rows[topic] = (dept, self._phrase(topic, ""))
                    plain.append(topic)
                count = max(2, int(breadth * (0.5 + rng.random())))
                for sub, _kind in rng.sample(subs_all, min(count, len(subs_all))):
                    heading = f"{topic}: {sub}"
                    if sub != topic and heading not in rows:
                        rows[heading] = (dept, self._phrase(topic, sub))
                        combos.append(heading)
        country_subs = sorted(_COUNTRY_SUBS)
        for country in _COUNTRIES:
            if country not in rows:
                rows[country] = ("foreign", country)
                plain.append(country)
            for sub in rng.sample(country_subs, 22):
                heading = f"{country}: {sub}"
                if heading not in rows:
                    rows[heading] = (_COUNTRY_SUBS[sub], f"{_lower_phrase(sub)} in {country}")
                    combos.append(heading)
        # Plain topics tend to rank above combinations, as in the real data.
        ranked = sorted([(rng.random() * 0.25, h) for h in plain]
                        + [(rng.random(), h) for h in combos])
        hot_set = set(hot)
        order = hot + [h for _, h in ranked if h not in hot_set]
        self.heading_rows: list[tuple[str, str, str, int, int]] = []
        for h in order:
            dept, phrase = rows[h]
            lo, hi = -1, 10**9
            for part in (h, *h.split(": ")):
                if part in _WINDOWS:
                    a, b = _WINDOWS[part]
                    lo = max(lo, _o(a) if a else -1)
                    hi = min(hi, _o(b) if b else 10**9)
            self.heading_rows.append((h, dept, phrase, lo, hi))
        # Drawn when a date rejects every heading tried (rare): always valid, answerable by both.
        self.fallback_row = next(r for r in self.heading_rows
                                 if r[1] == "cabinet" and r[3] < 0 and r[4] == 10**9)
        # Zipf-Mandelbrot weights: a few headings very common, a long tail seen once or twice.
        weights = [1.0 / (r + 8.0) ** 1.02 for r in range(len(order))]
        total = 0.0
        self.heading_cum: list[float] = []
        for w in weights:
            total += w
            self.heading_cum.append(total)
        self.heading_total = total

    @staticmethod
    def _phrase(topic: str, sub: str) -> str:
        t = _lower_phrase(topic)
        if not sub:
            return t
        s = _lower_phrase(sub)
        if sub in _PLACE_SUBS or sub in _COUNTRIES:
            return f"{t} in {s}"
        if sub in _GROUP_SUBS:
            return f"{t} for {s}"
        return f"{s} in relation to {t}"

    # ---- text -----------------------------------------------------------------------------

    def _build_text(self, rng: random.Random) -> None:
        dept_words: dict[str, list[str]] = {}
        for dept, block in _TOPICS.items():
            words = []
            for raw in _split(block):
                topic = raw.lstrip("!")
                if ": " not in topic:
                    words.append(_lower_phrase(topic))
            dept_words[dept] = words
        self.dept_words = dept_words
        self.policy_words = sorted({w for ws in dept_words.values() for w in ws} | set(_GENERIC_W))

        def fill(template: str, words: list[str]) -> str:
            w = rng.choice(words)
            # Years stay placeholders: they are filled per record so that none is in the future.
            return template.format(
                y="{y}", y2="{y2}", n1=f"{rng.randint(120, 98000):,}",
                n2=f"{rng.randint(120, 98000):,}", n3=rng.randint(3, 40), m=rng.choice(_AMOUNTS),
                m2=rng.choice(_AMOUNTS), t=rng.choice(["two", "three", "four", "five"]),
                w=w, w2=rng.choice(words), k=rng.choice(_STAKEHOLDERS), v=rng.choice(_VERBS),
                v2=rng.choice(_VERBS), d=rng.choice(_DOCS), D=_cap(rng.choice(_DOCS)),
                pc=rng.randint(2, 97),
                x=rng.choice(["region", "age", "ethnicity", "local authority", "sex"]),
                r=rng.choice(["five", "10", "100", "1,000"]),
                u=rng.choice(_URL_BASES) + w.lower().replace(" ", "-").replace("'", ""),
            )

        self.generic_sentences = [fill(rng.choice(_SENTENCES), _GENERIC_W) for _ in range(3000)]
        lengths = [len(s) for s in self.generic_sentences]
        self.dept_sentences = {
            dept: [fill(rng.choice(_SENTENCES), words + _GENERIC_W[:10]) for _ in range(220)]
            for dept, words in dept_words.items()
        }
        self.mean_sentence = sum(lengths) / len(lengths)
        # Delays (in working days) after the date for answer; mostly on time, a long tail.
        self.delays = ([0] * 40 + [-1] * 8 + [1] * 12 + [2] * 10 + [3, 4, 5] * 3
                       + list(range(6, 16)) + list(range(16, 41)) + list(range(41, 81, 4)))
        self.holding_delays = list(range(1, 8)) * 3 + list(range(8, 41))

    # ---- per (period, department) contexts ------------------------------------------------

    def _build_contexts(self, rng: random.Random) -> None:
        """Everything a record needs once its period and department are known, precomputed."""
        q_templates = {g: [t.format(p="{p}", w="{w}", v="{v}", k="{k}", y="{y}", n="{n}",
                                    c1="{c1}", c2="{c2}", d="{d}", **_PRONOUNS[g])
                           for t in _Q_TEMPLATES] for g in _PRONOUNS}
        q_clauses = {g: [c.format(w="{w}", v="{v}", k="{k}", y="{y}", c1="{c1}", c2="{c2}",
                                  d="{d}", **_PRONOUNS[g]) for c in _Q_CLAUSES]
                     for g in _PRONOUNS}
        self.contexts: list[dict[str, tuple]] = []
        his = _o(_HIS_MAJESTY_FROM)
        for pi, start in enumerate(self.period_starts):
            ctx_by_dept: dict[str, tuple] = {}
            for dept, (houses, _, _) in _DEPT_SPECS.items():
                bid, name, addressee = self.segment(dept, start)
                commons, lords = self.assign[(pi, bid)]
                if addressee.startswith(_REP):
                    rep = self.members[commons[0]]
                    addressee = (f"the hon. Member for {rep['memberFrom']}, representing "
                                 f"{addressee[len(_REP):]}")
                    gender = "they"
                else:
                    gender = self.gender[commons[0]] if commons else "they"
                statement = (f"; and if {gender} will make a statement"
                             if gender != "they" else "")
                c_prefix = f"To ask {addressee}, " if "C" in houses else None
                if houses == "L":
                    l_prefix = f"To ask {addressee} "
                else:
                    l_prefix = (f"To ask {'His' if start >= his else 'Her'} Majesty's Government "
                                if lords else None)
                subject = _HOLDING_SUBJECT.get(name, f"The {name} has")
                holding = (f"<p>{subject} indicated that it will not be possible to answer this "
                           "question within the usual time period. An answer is being prepared "
                           "and will be provided as soon as it is available.</p>")
                ctx_by_dept[dept] = (
                    bid, name, c_prefix, l_prefix,
                    [self.members[i] for i in commons], [self.members[i] for i in lords],
                    q_templates[gender], q_clauses[gender], q_templates["they"],
                    q_clauses["they"], self.dept_words[dept] + _GENERIC_W[:20],
                    self.dept_sentences[dept], holding, commons + lords, statement,
                )
            self.contexts.append(ctx_by_dept)
        # Askers per period and House, with a skew (a few members ask a great many questions);
        # serving answerers do not ask.
        order = list(range(len(self.members)))
        rng.shuffle(order)
        activity = [0.0] * len(self.members)
        for rank, idx in enumerate(order):
            activity[idx] = 1.0 / (rank / 40.0 + 1.0) ** 0.9
        self.askers: list[dict[str, tuple[list[int], list[float]]]] = []
        for pi in range(len(self.period_starts)):
            busy = {i for ctx in self.contexts[pi].values() for i in ctx[13]}
            per_house: dict[str, tuple[list[int], list[float]]] = {}
            for house in ("Commons", "Lords"):
                idxs = [i for i in range(len(self.members))
                        if self.house[i] == house and i not in busy]
                cum, total = [], 0.0
                for i in idxs:
                    total += activity[i]
                    cum.append(total)
                per_house[house] = (idxs, cum)
            self.askers.append(per_house)


@functools.cache
def _pools() -> _Pools:
    return _Pools()


# --------------------------------------------------------------------------------------------
# Public pools
# --------------------------------------------------------------------------------------------


def members() -> list[dict]:
    """All ~5,000 members (API ``MemberViewModel`` dicts): MPs first, then bishops and peers."""
    return [dict(m) for m in _pools().members]


def ministers() -> list[dict]:
    """The members who answer questions, each with ``answeringBodyIds`` they served in."""
    p = _pools()
    bodies: dict[int, set[int]] = {}
    for (_, bid), (c, lords) in p.assign.items():
        for m in c + lords:
            bodies.setdefault(m, set()).add(bid)
    return [{**p.members[i], "answeringBodyIds": sorted(bodies[i])} for i in p.answerers]


def answering_bodies() -> list[dict]:
    """Answering bodies as ``{id, name, from, to}`` (ISO dates or None), renames included."""
    seen: dict[tuple[int, str], dict] = {}
    for _, _, segs in _DEPT_SPECS.values():
        since = None
        for until, bid, name, _ in segs:
            row = seen.setdefault((bid, name), {"id": bid, "name": name, "from": since,
                                                "to": until})
            # The same body may be reached from several departments: widen its dates.
            if since is None or (row["from"] is not None and since < row["from"]):
                row["from"] = since
            if until is None or (row["to"] is not None and until > row["to"]):
                row["to"] = until
            since = until
    for bid, name, since, until in _OTHER_BODIES:
        seen.setdefault((bid, name), {"id": bid, "name": name, "from": since, "to": until})
    return sorted(seen.values(), key=lambda r: (r["id"], r["from"] or ""))


def headings() -> list[str]:
    """Every heading, most frequent first (the ranking behind the Zipf-like skew)."""
    return [row[0] for row in _pools().heading_rows]


def heading_weights() -> list[float]:
    """Probability of each heading of ``headings()`` (before date windows are applied)."""
    p = _pools()
    prev = 0.0
    out = []
    for c in p.heading_cum:
        out.append((c - prev) / p.heading_total)
        prev = c
    return out


def policy_words() -> list[str]:
    """The policy vocabulary answers and questions are built from (good search terms)."""
    return list(_pools().policy_words)


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------


def _tabling_days() -> list[int]:
    """Weekdays outside the Christmas and summer recesses, START..END_TABLED."""
    days = []
    d = START
    one = timedelta(days=1)
    while d <= END_TABLED:
        recess = d.month == 8 or (d.month == 12 and d.day >= 21) or (d.month == 1 and d.day < 5)
        if d.weekday() < 5 and not recess:
            days.append(d.toordinal())
        d += one
    return days


def generate_questions(n: int, seed: int = 1, *, per_day: int | None = None,
                       expand_members: bool = True) -> Iterator[dict]:
    """Yield ``n`` question ``value`` dicts, ordered by date tabled, ids increasing.

    By default the questions are spread over every tabling day of 2014-2025 (about 2,700 days,
    so ~370 a day at n = 1,000,000). ``per_day`` pins the density instead (e.g. 320, as in the
    real Commons) and uses only the last ``n / per_day`` days. ``expand_members=False`` gives
    null member objects, as the API does without ``expandMember``.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    if per_day is not None and per_day < 1:
        raise ValueError("per_day must be >= 1")
    p = _pools()
    rng = random.Random(seed)
    days = _tabling_days()
    if per_day is not None:
        days = days[-min(len(days), max(1, math.ceil(n / per_day))):]
    # Day quotas: jittered weights, then exact integer shares that sum to n.
    weights = [0.75 + 0.5 * rng.random() for _ in days]
    total_w = sum(weights)

    # Dates: strings and "add k working days" via precomputed tables indexed by ordinal.
    base = days[0] - 30
    top = AS_OF.toordinal() + 400
    date_str = [date.fromordinal(o).isoformat() + _STAMP for o in range(base, top)]
    weekdays = [o for o in range(base, top) if date.fromordinal(o).weekday() < 5]
    wd_index = [0] * (top - base)  # index in `weekdays` of the day, or of the next weekday
    j = 0
    for o in range(base, top):
        while j < len(weekdays) - 1 and weekdays[j] < o:
            j += 1
        wd_index[o - base] = j
    as_of = AS_OF.toordinal()
    sessions = [_o(s) for s in _SESSIONS]

    random_ = rng.random
    choices = rng.choices
    bis = bisect.bisect_right
    h_rows, h_cum, h_total = p.heading_rows, p.heading_cum, p.heading_total
    n_h = len(h_rows) - 1
    generic = p.generic_sentences
    mean_sentence = p.mean_sentence
    delays, holding_delays = p.delays, p.holding_delays
    n_delays, n_hdelays = len(delays), len(holding_delays)
    n_star = len(_STAR_DEPTS)
    mu = math.log(640.0)  # answers' median length, ~700 characters once tagged

    def add_wd(o: int, k: int) -> int:
        return weekdays[wd_index[o - base] + k]

    def pick(seq: Sequence[_T]) -> _T:
        return seq[int(random_() * len(seq))]

    qid = 150000 + int(random_() * 1000)
    attachment_id = 1000000 + int(random_() * 1000)
    counters = {"Commons": 0, "Lords": 0}
    session = -1
    produced = 0
    cum_w = 0.0
    for day_i, tabled in enumerate(days):
        cum_w += weights[day_i]
        quota = round(n * cum_w / total_w) - produced
        if quota <= 0:
            continue
        s_idx = bis(sessions, tabled) - 1
        if s_idx != session:
            if session == -1:  # the corpus starts mid-session: uins are already under way
                est = (tabled - sessions[s_idx]) * 0.6 * max(1.0, n / len(days))
                counters = {"Commons": int(est * (1 - _LORDS_SHARE)) + 1,
                            "Lords": int(est * _LORDS_SHARE) + 1}
            else:
                counters = {"Commons": 0, "Lords": 0}
            session = s_idx
        pi = p.period_of(tabled)
        contexts, askers = p.contexts[pi], p.askers[pi]
        year = date.fromordinal(tabled).year
        tabled_s = date_str[tabled - base]
        old_style = year < 2017
        done = 0
        while done < quota:
            # ---- heading, department, House (resampled when they do not fit the date) ----
            for _ in range(12):
                row = h_rows[min(bis(h_cum, random_() * h_total), n_h)]
                if not row[3] <= tabled < row[4]:
                    continue
                dept = row[1] if row[1] != "*" else _STAR_DEPTS[int(random_() * n_star)]
                ctx = contexts[dept]
                house = "Lords" if random_() < _LORDS_SHARE else "Commons"
                if (ctx[3] if house == "Lords" else ctx[2]) is None:
                    house = "Commons" if house == "Lords" else "Lords"
                    if (ctx[3] if house == "Lords" else ctx[2]) is None:
                        continue
                break
            else:
                row, house = p.fallback_row, "Commons"
                ctx = contexts[row[1]]
            heading, phrase = row[0], row[2]
            (body_id, body_name, c_prefix, l_prefix, c_mins, l_mins, c_tmpl, c_clauses, l_tmpl,
             l_clauses, words, dept_sentences, holding_html, _, statement) = ctx
            lords = house == "Lords"
            idxs, cum = askers[house]
            asker_i = idxs[min(bis(cum, random_() * cum[-1]), len(idxs) - 1)]
            asker = p.members[asker_i]
            answerers = l_mins if lords else c_mins
            answerer = answerers[int(random_() * len(answerers))]
            size = 1
            if random_() < 0.015:  # grouped questions: 2-4 tabled together, one answer
                size = min(quota - done, 2 + int(random_() * random_() * 3))

            # ---- question text ----
            tmpl_list, clause_list = (l_tmpl, l_clauses) if lords else (c_tmpl, c_clauses)
            prefix = l_prefix if lords else c_prefix
            c1, c2 = pick(_CATEGORIES)
            fill = {"p": phrase, "w": pick(words), "v": pick(_VERBS), "k": pick(_STAKEHOLDERS),
                    "y": year - 1 - int(random_() * 6), "n": pick(_NUMBER_WORDS), "c1": c1,
                    "c2": c2, "d": pick(_DOCS)}
            r = random_()
            target = 150 + int(r * r * 450)
            texts = []
            for _g in range(size):
                q = prefix + pick(tmpl_list).format_map(fill)
                for _c in range(4):
                    if len(q) >= target:
                        break
                    fill["w"] = pick(words)
                    extra = pick(clause_list).format_map(fill)
                    if len(q) + len(extra) > 598:
                        break
                    if "(a)" in extra and "(a)" in q:  # one lettered list per question
                        continue
                    q += extra
                while len(q) < 150:  # the shortest real questions are about this long
                    fill["w"] = pick(words)
                    q += clause_list[2].format_map(fill)
                if old_style and not lords and random_() < 0.3 and len(q) < 560:
                    q += statement  # the pre-2017 Commons habit
                texts.append(q + ".")
                fill["w"] = pick(words)

            # ---- dates and answer state ----
            named = not lords and random_() < 0.12
            if lords:
                for_answer = add_wd(tabled + 14, 0)
            else:
                for_answer = add_wd(tabled, 3 + int(random_() * 3) if named else 2)
            u = random_()
            withdrawn = u < 0.01
            answered_o = holding_o = corrected_o = None
            if u < 0.06:
                state = "none"
            elif u < 0.10:
                state, holding_o = "holding", for_answer
            elif u < 0.13:
                state, holding_o = "substantive", for_answer
                answered_o = add_wd(for_answer, holding_delays[int(random_() * n_hdelays)])
            else:
                state = "substantive"
                d = delays[int(random_() * n_delays)]
                answered_o = add_wd(for_answer, d) if d >= 0 else max(
                    add_wd(tabled, 1), add_wd(for_answer, d))
            if state == "holding" and not named and not lords and random_() < 0.7:
                named = True  # holding answers are mostly given to named-day questions
            # A snapshot: what would happen after AS_OF has not happened yet.
            if answered_o is not None and answered_o > as_of:
                answered_o = None
                state = "holding" if holding_o is not None and holding_o <= as_of else "none"
            if state == "holding" and holding_o > as_of:
                state, holding_o = "none", None
            corrected = state == "substantive" and random_() < 0.0115
            if corrected:
                corrected_o = add_wd(answered_o, 1 + int(random_() * 30))
                if corrected_o > as_of:
                    corrected, corrected_o = False, None
            attachments_n = 0
            if state == "substantive" and random_() < 0.023:
                attachments_n = 1 if random_() < 0.8 else 2 if random_() < 0.75 else 3

            # ---- answer text ----
            if state == "none":
                answer = None
            elif state == "holding":
                answer = holding_html
                answered_o = holding_o
            else:
                length = min(7400.0, max(120.0, rng.lognormvariate(mu, 0.75)))
                k = max(1, round(length / mean_sentence) - 1)
                k_dept = (k + 1) // 2
                sentences = [pick(_OPENINGS).format(
                    p=phrase, B=body_name if body_name.startswith("HM") else "The " + body_name,
                    v=fill["v"], w=fill["w"], k=fill["k"], y=fill["y"],
                    m=pick(_AMOUNTS), d=fill["d"])]
                sentences += choices(dept_sentences, k=k_dept)
                sentences += choices(generic, k=k - k_dept)
                y1 = year - 2 - int(random_() * 5)
                for i, s in enumerate(sentences):
                    if "{y" in s:
                        sentences[i] = s.format(y=y1, y2=year - 1)
                if attachments_n:
                    sentences.append("I refer the " + p.ref[asker_i]
                                     + " to the attached table, which sets out the information "
                                     "requested.")
                elif random_() < 0.06:
                    earlier = date.fromordinal(tabled - 7 - int(random_() * 60))
                    sentences.append(f"I refer the {p.ref[asker_i]} to the answer given on "
                                     f"{earlier.day} {earlier:%B %Y} to Question "
                                     f"{'HL' if lords else ''}{int(random_() * 90000) + 1}.")
                sep = "</p><p> </p><p>" if random_() < 0.3 else "</p><p>"
                parts = ["<p>", sentences[0]]
                for s in sentences[1:]:
                    parts.append(sep if random_() < 0.45 else " ")
                    parts.append(s)
                if random_() < 0.04:
                    parts.append(sep)
                    parts.append("The information requested is set out in the following table:")
                    parts.append("</p>")
                    parts.append(_table(year, random_))
                    parts.append("<p>Source: departmental management information.")
                parts.append("</p>")
                answer = "".join(parts)

            uin_numbers = []
            for _g in range(size):
                counters[house] += 1
                uin_numbers.append(counters[house])
            uins = [("HL" if lords else "") + str(x) for x in uin_numbers]
            attachments = []
            for nth in range(attachments_n):
                attachment_id += 1 + int(random_() * 3)
                kind, ext = (("Table", "xlsx"), ("Letter", "pdf"), ("Report", "pdf"),
                             ("Data", "csv"))[int(random_() * 4)]
                title = f"{uins[0]} - {kind}{'' if nth == 0 else f' {nth + 1}'}"
                attachments.append({
                    "url": f"https://qna.files.parliament.uk/qna-attachments/{attachment_id}/"
                           f"original/{title.replace(' ', '%20')}.{ext}",
                    "title": title, "fileType": ext,
                    "fileSizeBytes": 8000 + int(random_() * random_() * 900000),
                })
            is_answered = answer is not None
            correcting = None
            if corrected:
                correcting = answerer if random_() < 0.85 else pick(answerers)
            interest = random_() < 0.03
            for g in range(size):
                qid += 1 + (random_() < 0.08)
                others = [x for x in uins if x != uins[g]]
                yield {
                    "id": qid,
                    "askingMemberId": asker["id"],
                    "askingMember": dict(asker) if expand_members else None,
                    "house": house,
                    "memberHasInterest": interest,
                    "dateTabled": tabled_s,
                    "dateForAnswer": date_str[for_answer - base],
                    "uin": uins[g],
                    "questionText": texts[g],
                    "answeringBodyId": body_id,
                    "answeringBodyName": body_name,
                    "isWithdrawn": withdrawn,
                    "isNamedDay": named,
                    "groupedQuestions": others,
                    "answerIsHolding": (state == "holding") if is_answered else None,
                    "answerIsCorrection": corrected if is_answered else None,
                    "answeringMemberId": answerer["id"] if is_answered else None,
                    "answeringMember": dict(answerer) if is_answered and expand_members
                    else None,
                    "correctingMemberId": correcting["id"] if correcting else None,
                    "correctingMember": dict(correcting) if correcting and expand_members
                    else None,
                    "dateAnswered": date_str[answered_o - base] if is_answered else None,
                    "answerText": answer,
                    "originalAnswerText": "",
                    "comparableAnswerText": "",
                    "dateAnswerCorrected": date_str[corrected_o - base] if corrected else None,
                    "dateHoldingAnswer": date_str[holding_o - base] if holding_o is not None
                    and is_answered else None,
                    "attachmentCount": attachments_n,
                    "heading": heading,
                    "attachments": [dict(a) for a in attachments],
                    "groupedQuestionsDates": [{"questionUin": x, "dateTabled": tabled_s}
                                              for x in others],
                }
            done += size
        produced += done


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _table(year: int, random_: Callable[[], float]) -> str:
    """A small HTML table of yearly figures, as answers often carry."""
    rows = ["<table><tbody><tr><td><p><strong>Year</strong></p></td>"
            "<td><p><strong>Number</strong></p></td></tr>"]
    first = year - 2 - int(random_() * 6)
    for y in range(first, year):
        rows.append(f"<tr><td><p>{y}/{str(y + 1)[2:]}</p></td>"
                    f"<td><p>{int(random_() * 50000):,}</p></td></tr>")
    rows.append("</tbody></table>")
    return "".join(rows)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_corpus(path: str | Path, n: int, seed: int = 1, per_file: int | None = None,
                 *, per_day: int | None = None) -> list[Path]:
    """Write the corpus as API list responses; return the files written.

    With ``per_file``, ``corpus.json`` becomes ``corpus-0001.json``, ``corpus-0002.json``...,
    each a page of the same listing (``totalResults`` is n in every page, as the API sends it).
    Records are streamed: memory stays flat whatever n is.
    """
    if per_file is not None and per_file < 1:
        raise ValueError("per_file must be >= 1")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
                              check_circular=False).encode
    head = '{"totalResults":' + str(n) + ',"results":['
    written: list[Path] = []
    out = None
    in_file = 0
    try:
        for v in generate_questions(n, seed, per_day=per_day):
            if out is None or (per_file is not None and in_file == per_file):
                if out is not None:
                    out.write("]}\n")
                    out.close()
                target = path if per_file is None else path.with_name(
                    f"{path.stem}-{len(written) + 1:04d}{path.suffix}")
                out = open(target, "w", encoding="utf-8", buffering=1 << 20)  # noqa: SIM115
                written.append(target)
                out.write(head)
                in_file = 0
            if in_file:
                out.write(",")
            out.write('{"value":')
            out.write(encode(v))
            out.write(',"links":[{"rel":"self","href":"/Questions/' + str(v["id"])
                      + '","method":"GET"}]}')
            in_file += 1
        if out is None:  # n == 0: still a valid, empty listing
            out = open(path, "w", encoding="utf-8")  # noqa: SIM115
            written.append(path)
            out.write(head)
        out.write("]}\n")
    finally:
        if out is not None:
            out.close()
    return written


def _label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 and n else (
        f"{n // 1000}k" if n % 1000 == 0 and n else str(n))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.corpus",
        description="Write a deterministic synthetic corpus of written questions (API JSON).")
    parser.add_argument("--n", type=int, default=100_000, help="number of questions")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None,
                        help="output file (default: bench/out/corpus-<n>.json)")
    parser.add_argument("--per-file", type=int, default=None,
                        help="split into files of this many questions")
    parser.add_argument("--per-day", type=int, default=None,
                        help="questions per tabling day (default: spread over 2014-2025)")
    args = parser.parse_args(argv)
    out = args.out or Path(__file__).parent / "out" / f"corpus-{_label(args.n)}.json"
    t0 = time.perf_counter()
    _pools()
    t1 = time.perf_counter()
    files = write_corpus(out, args.n, args.seed, args.per_file, per_day=args.per_day)
    t2 = time.perf_counter()
    size = sum(f.stat().st_size for f in files)
    rate = args.n / (t2 - t1) if t2 > t1 else float("inf")
    print(f"wrote {args.n:,} questions (seed {args.seed}) to {len(files)} file(s), "
          f"{size / 1e6:,.1f} MB: {files[0]}{' ...' if len(files) > 1 else ''}")
    print(f"pools {t1 - t0:.2f} s; generate+write {t2 - t1:.2f} s = {rate:,.0f} questions/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
