"""People and organisations a text names, beyond the gazetteer (rules only, no models).

The gazetteer knows a fixed cast; news names many more people and bodies. This module finds them
by the shape of the name and the words around it, merges the mentions of one entity within a
document and links an entity to a gazetteer actor when one of its mentions is a gazetteer alias:

* **people**: runs of capitalised tokens (with initials, "Jr.", and particles such as al-, bin,
  ibn, de, van) accepted when a title precedes them ("Sen.", "Secretary of State",
  "press secretary"), when the first token is a common given name, when an apposition follows
  (", a Pentagon spokesman"), when they are the subject of a speech verb ("Ryder said",
  "said Ryder", "according to Ryder"), or when their surname recurs alone in the document;
* **organisations**: runs ending in a head word (Ministry, Committee, Court, Party, Corp., ...),
  "the X of Y" shapes ("Ministry of Oil", "Coordinating Body of the Iraqi Resistance"),
  acronyms defined in the text ("State Oil Marketing Organization (SOMO)"), all-capital acronyms
  used as agents ("SOMO said") and a short list of well-known institutions;
* **gazetteer**: a state the gazetteer knows is an entity when it acts ("Iran said"), gazetteer
  people and bodies named alone ("Trump") are entities too, each with its ``gazetteer_id``;
* **merging**: "Pat Ryder" ... "Ryder" / "Pat" / "Mr. Ryder" / "Ryder's" / "PENCE:" in a
  transcript; an acronym and its full name; "Oil Ministry" = "Ministry of Oil"; "Pfizer Inc." =
  "Pfizer"; "the Post", "the ministry" = the organisation with that head word named just before;
* **never actors**: datelines, bylines and photo credits, sentence-initial common words
  ("Several weeks ago"), days and months, places used as places, titles of shows and books in
  quotation marks, laws, streets and events ("Affordable Care Act", "Election Day").

Everything is a regular expression or a set lookup; one pass over the tokens, so it stays fast.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from stratagem.evidence.gazetteer import Gazetteer, default_gazetteer
from stratagem.evidence.records import ActorEntity, Mention, Sentence
from stratagem.evidence.sentences import split_sentences

__all__ = ["ActorEntity", "entity_at", "extract_actor_entities", "extract_actors", "names_a_state"]


def entity_at(entities: Iterable[ActorEntity], start: int, end: int) -> ActorEntity | None:
    """The entity with a mention overlapping ``[start, end)`` most (the earlier entity on a tie), or None.

    This is how a speaker or subject phrase is canonicalised: "Ryder" in "Ryder said" -> "Pat Ryder".
    """
    best: ActorEntity | None = None
    best_overlap = 0
    for entity in entities:
        for a, b in entity.mentions:
            overlap = min(b, end) - max(a, start)
            if overlap > best_overlap:
                best, best_overlap = entity, overlap
    return best


# --- lexicons (written for stratagem) ----------------------------------------------------------

def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


ORG_HEADS = _words("""
    Ministry Ministries Committee Subcommittee Commission Council Court Tribunal Party Parties Organization
    Organisation Organizations Association Federation Confederation Union League Society Company Companies Co Corp
    Corporation Inc Ltd LLC PLC Group Holdings Industries Airlines Airways Bank Exchange Command Forces Force Body
    Office Agency Department Directorate Secretariat University College Academy Institute Institution
    Foundation Fund Campaign Bureau Board Authority Authorities Administration Service Services Assembly
    Parliament Senate Congress Cabinet Government Police Army Navy Guard Guards Brigade Brigades Battalion
    Regiment Division Corps Militia Movement Mobilization Mobilisation Front Coalition Alliance Network
    Caucus Times Post Journal News Herald Tribune Gazette Magazine Press Reuters Television Radio Channel
    Watch International Partners Associates Consulting Capital Petroleum Oil Energy Group Court Chamber
    Legislature Council Commissariat Mission Delegation Trust Conference Center Centre Program Programme
    Project Initiative Endowment Laboratory Laboratories Lab Labs Hospital Clinic Church Mosque Synagogue
    Diocese Order Lodge Club Team Committees Councils Courts Agencies Departments Offices Foundations
    Institutes Universities Banks Unions Leagues Associations Federations Networks Coalitions Alliances
    Fighters Resistance Brotherhood Taliban Hezbollah Qaeda Republicans Democrats Media PAC Insider Works
    Syndicate Syndicates Guild Consortium Cooperative Observatory Centers Centres""")
# heads that only make an organisation with a complement ("Center for ...", "Conference of ...")
_HEADS_NEEDING_COMPLEMENT = _words("Center Centre Centers Centres Conference Program Programme Project Initiative Order Trust "
                                   "Mission Resistance Fighters Oil Energy Capital Petroleum Republicans Democrats "
                                   "Government Police Army Navy Guard Force Forces Delegation Team Club")
_BARE_HEADS = _words("Hezbollah Taliban Qaeda")  # names that are their own head
# words that make a "Center" an institution without a complement ("Bosphorus Policy Centre", "Pew Research Center")
_RESEARCH = _words("Policy Research Resource Studies Strategic Medical Legal Law Media Rights Justice Democracy Peace Security "
                   "Development Economic Data Science")
NOT_ACTOR_HEADS = _words("""
    Act Acts Bill Law Laws Amendment Amendments Agreement Agreements Accord Accords Treaty Deal Plan Doctrine
    Resolution War Wars Revolution Day Days Week Month Year Night Eve Festival Olympics Games Cup Summit
    Debate Debates Election Elections Primary Primaries Prize Award Awards Medal Street St Avenue Ave Road
    Boulevard Square Building Tower Towers Hall Airport Station Hotel Stadium Arena Bridge Hill Plaza Park
    River Sea Ocean Gulf Island Islands Mountains Mountain Mount Valley Strait Bay Lake Desert Peninsula
    County Province Governorate District City Town Village Region Zone Base Camp Airbase Field Fields
    Street Highway Pipeline Border Crossing Dam Port Harbor Harbour Canal Coast Basin Plain Plateau Sunday
    Monday Tuesday Wednesday Thursday Friday Saturday Index Report Reports Review Survey Poll Polls
    Rule Rules Order Orders Code Constitution Charter Declaration Protocol Convention Conventions
    Movie Film Book Show Series Season Episode Album Song Prize Cross Crescent Coronavirus Virus Crisis
    Era Age Century Decade Address Speech Memo Memorandum Dossier Files Papers Tapes Strategy Policy
    Theory Principle Syndrome Disease Effect Reservoir Reservoirs Refinery Terminal Barrage Railway Corridor
    Tunnel Reactor Facility Complex Aqueduct Interconnector Dams Pipelines Mine Mines Oilfield Gasfield""")
# departments and portfolios that follow "Secretary of", "Minister of"
_PORTFOLIO = _words("""State Defense Defence Homeland Security Treasury Energy Commerce Labor Labour Agriculture
    Education Transportation Transport Health Human Services Veterans Affairs Housing Urban Development
    Interior Foreign Oil Finance Justice Natural Resources War Navy Army Air Force Staff Joint Chiefs Information
    Planning Electricity Water Culture Trade Industry Economy Economic Communications Environment Sport
    Youth Women Displacement Migration Higher Scientific Research Religious Endowments Public Works
    Municipalities Peshmerga National Internal External Intelligence Emergency Management Budget the and of""")
TITLES = _words("""
    President Vice Prime Minister Ministers Secretary Senator Senators Sen Sens Rep Reps Representative
    Representatives Congressman Congresswoman Gov Governor Governors Lt Gen Gens General Generals Col Colonel
    Maj Major Capt Captain Sgt Sergeant Adm Admiral Cmdr Commander Brig Brigadier Lieutenant Judge Justice
    Chief Ambassador Speaker Leader Chairman Chairwoman Chairperson Chair Director Spokesman Spokeswoman
    Spokesperson Mayor Dr Prof Professor Mr Mrs Ms Miss Messrs Sir Dame Lord Lady King Queen Prince Princess
    Sheikh Shaikh Sheik Ayatollah Grand Imam Cleric Rev Reverend Father Pope Cardinal Bishop Archbishop Rabbi
    Emir Amir Sultan Deputy Attorney Counsel Commissioner Superintendent Sheriff Officer
    Detective Candidate Nominee President-elect Treasurer Pastor Sayyid Sayed Mullah Hajji Haji Gens
    Chancellor Premier Councilman Councilwoman Alderman Assemblyman Assemblywoman Delegate Del Trustee
    Provost Commander-in-Chief Marshal Spc Pvt Cpl Corporal Lawmaker Legislator Envoy Adviser Advisor
    Aide Secretary-General Undersecretary Whip Solicitor Inspector Surgeon Pres""")
# lowercase words that, just before a name, make it a person ("press secretary Josh Earnest")
LOWER_TITLES = _words("""
    spokesman spokeswoman spokesperson spokesmen secretary adviser advisor aide director minister commander
    chief official officer analyst researcher professor lawyer attorney candidate strategist pollster
    senator congressman congresswoman governor mayor leader chairman chairwoman chair president ambassador
    envoy colonel general lieutenant sergeant correspondent reporter columnist editor writer author
    economist expert activist founder executive ceo manager deputy representative member judge prosecutor
    cleric commentator host anchor journalist historian scientist fellow student mother father wife
    husband son daughter brother sister friend resident voter supporter donor consultant negotiator
    diplomat lawmaker legislator nominee rival opponent challenger successor predecessor counsel
    commissioner coordinator organizer organiser operative staffer staffers chairperson superintendent
    sheriff detective agent contractor engineer doctor physician nurse teacher pastor imam priest bishop
    rabbi cardinal businessman businesswoman billionaire investor banker partner owner publisher producer
    actor actress singer comedian presenter biographer novelist filmmaker photographer blogger
    strategists advisers officials lawyers aides treasurer head counterpart informateur mediator""")
_NAME_SUFFIXES = _words("Jr Sr II III IV")
_PARTICLES = _words("al el bin ibn bint de del della der den van von da di du la le dos das ter ben abu")
_CONNECTORS = _words("of for on and the de")
_DETERMINERS = _words("The A An This That These Those")
# descriptors that may stand between the start of a run and a name ("Republican Ted Cruz")
_DESCRIPTORS = _words("Republican Democrat Democratic Independent Conservative Liberal Labour Tory Former Late "
                      "Then Then-President GOP Veteran Longtime Embattled Outgoing Incoming New Interim Iraqi "
                      "Iranian American Kurdish Israeli Turkish Syrian Saudi British French Russian Chinese "
                      "German Egyptian Lebanese Jordanian Palestinian Qatari Emirati U.S. US UN U.N. EU U.K. UK "
                      "Shiite Shia Sunni Senate House Defense State White Top Senior Ret")
SPEECH_VERBS = (
    "said|says|say|told|tells|added|adds|noted|notes|stated|states|wrote|writes|tweeted|tweets|asked|asks|argued|"
    "argues|warned|warns|explained|explains|insisted|insists|claimed|claims|announced|announces|replied|replies|"
    "responded|responds|declared|declares|urged|urges|acknowledged|acknowledges|contended|contends|countered|"
    "counters|recalled|recalls|complained|complains|suggested|suggests|testified|testifies|believes|believed|"
    "thinks|thought|predicted|predicts|conceded|concedes|confirmed|confirms|denied|denies|vowed|vows|"
    "promised|promises|admitted|admits|emphasized|emphasised|stressed|stresses|pointed|continued|continues|"
    "agreed|agrees|disagreed|disagrees|criticized|criticised|praised|praises|accused|accuses|called|calls|"
    "mocked|joked|quipped|shouted|yelled|reported|reports|reiterated|cautioned|blamed|demanded|demands|"
    "announced|described|describes|answered|answers|recounted|remarked|observed|wondered|estimated|"
    "has|had|have|is|was|will|would|could|can|should|may|might|did|does"
)
_AGENT_AFTER = re.compile(rf"\s*(?:,\s*who\b[^,]{{0,60}},\s*)?(?:also\s+|later\s+|then\s+|previously\s+|"
                          rf"had\s+|has\s+|have\s+|would\s+|will\s+|again\s+)?(?:{SPEECH_VERBS})\b")
_SPEECH_ONLY = re.compile(r"\s*(?:also\s+|later\s+|then\s+|had\s+|has\s+)?(?:said|says|told|tells|added|adds|"
                          r"wrote|writes|tweeted|asked|argued|warned|explained|insisted|claimed|announced|"
                          r"replied|responded|declared|urged|noted|stated|recalled|complained|testified)\b")
_APPOSITION_BEFORE = re.compile(r"\b([a-z]+)(?:\s+(?:in|at|for|to|of|on)\s+(?:the\s+)?[A-Z][\w.'’\-]*"
                                r"(?:\s+[A-Z][\w.'’\-]*){0,2})?\s*,\s*$")
_WHO_AFTER = re.compile(r"\s*,\s+who\b")
_PREPOSITION_BEFORE = re.compile(r"\b(?:of|at|for|with|from|in|by|to|on)\s+(?:[Tt]he\s+)?$")
_COMMA_SAID = re.compile(r"\s*,\s+(?:said|says)\b")
_APPOSITION_CLOSES = re.compile(r"\s*,|\s+(?:said|says|told|who)\b")
_SENTENCE_CLOSES = re.compile(r"\.(?:\s|$)")  # "his counterpart, Celinda Sosa." (a full name, not "Va.")
_ORG_NOUNS = _words("company firm group bloc organization organisation agency ministry party committee body "
                    "militia faction movement coalition alliance network outlet newspaper channel broadcaster "
                    "think tank institute foundation bank corporation union association council court "
                    "government administration department office conglomerate giant")
_STATE_VERB = re.compile(r"\s+(?:(?:has|had|have|also|later|then|would|will|could|can|may|must|should|is|was|"
                         r"still|now|never|again|already|has\s+not|did\s+not|does\s+not)\s+)*"
                         r"(?:said|says|told|is|was|has|had|have|will|would|could|can|may|might|must|should|does|"
                         r"did|do|wants|wanted|[a-z]+ed)\b")
# a state or capital after these words is a place ("in Iraq", "flew to Muscat", "visited Turkey")
_PLACE_BEFORE = _words("""in at from into across throughout inside outside near around within via through toward
    towards of visit visited visiting visits toured touring left leaving leave entered enter entering reached
    arrived arriving returned returning flew fly flown flying travel traveled travelled traveling travelling
    trip trips back home based beyond federal northern southern eastern western central rural postwar occupied
    north south east west northeast northwest southeast southwest like new cross crossed crossing crosses control controls controlled controlling captured capture recaptured liberated a an""")
# ... and "of" only after these ("the invasion of Iraq", "allies of Iran"; not "the people of Iraq")
_PARTY_BEFORE_OF = _words("""invasion occupation ally allies enemy enemies government leaders leadership sovereignty
    interests demands envoy envoys negotiators delegation delegations representatives""")
# ... except "to" after words that make the state a party ("talked to Tehran", "close to Iran")
_PARTY_BEFORE_TO = _words("""talk talked talks talking speak spoke speaking message messages letter appeal appealed
    offer offered sold sell sells selling gave give given giving close closer closest loyal allied ally allies
    opposition opposed threat threats hostile friendly turned turn deliver delivered owed loans aid""")
# lower-case words that, right after a state's name, make the name a modifier ("Iraq war", "Iran deal")
_STATE_MODIFIED = LOWER_TITLES | _ORG_NOUNS | _words("""round rounds war wars deal deals talks policy policies airport embassy
    crisis border borders oil gas sanctions nuclear conflict invasion accord agreement issue issues question file
    visit trip strategy ties relations campaign veterans forces troops military army team delegation economy
    market markets exports imports election elections vote votes citizens nationals soldiers firms banks dollar
    debt budget mission operations operation program programme story news media press hearing investigation
    probe case trial law laws model approach situation front region area province base bases city cities capital
    regime hawks doves experts expert analysts correspondent bureau desk station trade tariffs summit meeting
    meetings negotiations framework plan plans rally rallies primary caucus caucuses race contest state states
    people population residents refugees migrants immigrants border wall hostages prisoners detainees diplomats
    officials leaders leadership authorities counterparts intelligence spokesman envoy policymakers attack attacks terror terrorist
    dollars cents currency bonds establishment elite elites insiders cartel politicians politics culture measure
    measures bill bills legislation resolution hawk critics supporters opponents""")
_NOUN_ENDING = re.compile(r"(?:tions?|sions?|ments?|isms?|ances?|ences?|ity|ities|ships?|ings?|ers)$")
_NAME_WORD = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w’'\-]*)"  # "U.S.", "Saudi", not "Baghdad." at a sentence's end
_CONJUNCT_BACK = re.compile(rf"(?:{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}\s*(?:,\s*(?:and\b|or\b)?|\band\b|\bor\b)"
                            rf"\s*(?:the\s+)?)$")
_CONJUNCT_AHEAD = re.compile(rf"(?:\s*,(?:\s+and|\s+or)?|\s+and|\s+or)\s+(?:the\s+)?{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}")
_PREVIOUS_WORD = re.compile(r"([A-Za-z]+)\s+(?:the\s+)?$")
_NEXT_WORD = re.compile(r"\s+([A-Za-z][\w’'\-]*)")


def _acts_as_state(text: str, start: int, end: int) -> bool:
    """A state's (or its capital's) name names the state as an actor ("Iran said", "sanctions on Iran",
    "Baghdad's position", "between Washington and Tehran"), not a place ("in Iraq", "visited Turkey", "Erbil,
    Iraq") nor a modifier ("the Iraq war", "U.S. officials", "Iran Foreign Minister")."""
    if text.startswith(("'s", "’s"), end):
        return True
    if text.startswith("-", end) or text[start - 1:start] == "-" or \
            re.search(r"(?:[A-Z][\w]*\s+(?:for|of|on)|['’]s)\s+(?:the\s+)?$", text[max(0, start - 30):start]):
        return False  # "Washington-style", "Democracy for America", "March on Washington", "Obama's America"
    # look back over a list of names ("in Iraq and Syria" is two places)
    at = start
    for _ in range(3):
        m = _CONJUNCT_BACK.search(text, max(0, at - 60), at)
        if not m:
            break
        at = m.start()
    if re.search(r"[A-Z][\w.]*,\s*$", text[max(0, start - 30):start]) and at == start:
        return False  # "Erbil, Iraq": the country after a city names where the city is
    first = _NEXT_WORD.match(" " + text[at:at + 12])
    if at < start and first and first.group(1).lower() in _PLACE_BEFORE:
        return False  # "In England, France and Norway": the list opened with a preposition
    before = _PREVIOUS_WORD.search(text, max(0, at - 30), at)
    if before:
        word = before.group(1).lower()
        if word in _PLACE_BEFORE and not (word in ("of", "from") and (ahead := _PREVIOUS_WORD.search(
                text, max(0, before.start() - 30), before.start())) and ahead.group(1).lower() in _PARTY_BEFORE_OF):
            return False
        if word == "to":
            ahead = _PREVIOUS_WORD.search(text, max(0, before.start() - 30), before.start())
            if not (ahead and ahead.group(1).lower() in _PARTY_BEFORE_TO):
                return False
    # look ahead past a list of names ("Iraq and Turkey agreed")
    after = end
    for _ in range(3):
        m = _CONJUNCT_AHEAD.match(text, after)
        if not m:
            break
        if re.search(r"\bthe\s", m.group(0)):
            return True  # "Argentina and the Mercosur bloc rejected": the noun after the list is the last one's
        after = m.end()
    if text.startswith(",", end) and re.match(r",\s*(?:the\s+)?[A-Z]", text[end:end + 8]) and after == end:
        return False  # "Erbil, Iraq"
    # "U.S." is mostly a modifier ("U.S. officials"), "America" mostly rhetoric: only a verb makes them act
    abbreviation = "." in text[start:end] or text[start:end].isupper() or text[start:end] == "America"
    nxt = _NEXT_WORD.match(text, after)
    if nxt is None:
        return not abbreviation or after > end
    word = nxt.group(1)
    if word[0].isupper():
        return False  # part of a longer name or a title ("Iran Foreign Minister Javad Zarif")
    if abbreviation:
        return bool(_STATE_VERB.match(text, after))
    return not (word in _STATE_MODIFIED or "-" in word or (_NOUN_ENDING.search(word) and
                                                          not _STATE_VERB.match(text, after)))


_SAID_BEFORE = re.compile(r"(?:\b(?:said|says|say|told|added|asked|wrote|tweeted|argued|warned|explained|"
                          r"insisted|noted|continued|replied|responded|countered|recalled|according\s+to)\s*)$")
_APPOSITION = re.compile(r"\s*,\s*(?:a|an|the|his|her|their|its)\s+(?P<phrase>[^,.;:()\n]{1,90}?)\s*[,.;]")

GIVEN_NAMES = _words("""
    Aaron Abbas Abdel Abdul Abdullah Abdulla Abraham Adam Adel Adnan Ahmad Ahmed Aisha Alan Albert Alberto Alex
    Alexander Alexandria Ali Alice Alicia Alison Allen Allison Amanda Amber Amir Amit Amy Ana Andrea Andrew Andy
    Angela Angus Ann Anna Anne Annie Anthony Antonio Antony April Arthur Ashley Asim Ayman Barack Barbara Bashar
    Ben Benjamin Bernie Beth Betsy Beto Betty Bill Billy Bob Bobby Brad Bradley Brandon Brett Brian Bruce Bryan
    Carl Carla Carlos Carly Carol Caroline Carolyn Catherine Cathy Charles Charlie Chad Chelsea Cheryl Chris
    Christian Christie Christina Christine Christopher Chuck Cindy Claire Clara Cory Craig Cynthia Dan Dana
    Daniel Danielle Darrell David Dean Debbie Deborah Denis Dennis Derek Diana Diane Dianne Dick Dina Dmitry
    Don Donald Donna Doug Douglas Dylan Ed Eddie Edward Elaine Elijah Elizabeth Ellen Elliott Emily Emma Emmanuel
    Eric Erik Erin Ernest Eugene Evan Faisal Falih Farid Fatima Frank Fred Frederick Fuad Gary Gavin George
    Gerald Gina Glenn Gordon Grace Greg Gregory Hadi Haider Hakim Hamid Hamad Hank Hannah Harold Harry Hassan
    Heather Heidi Helen Henry Herman Hillary Hoshyar Howard Hussein Ian Ibrahim Igor Ilhan Ismail Isaac Ivan
    Ivanka Jack Jackie Jacob Jake James Jamie Jan Jane Janet Janice Jared Jason Javier Jay Jean Jeb Jeff
    Jeffrey Jen Jennifer Jenny Jeremy Jerome Jerry Jesse Jessica Jill Jim Jimmy Jo Joan Joanna Joe Joel John
    Johnny Jon Jonathan Jordan Jorge Jose Joseph Josh Joshua Joyce Juan Judith Judy Julia Julian Julie Julian
    Justin Kamala Karen Karim Karl Kate Katherine Kathleen Kathy Katie Keith Kelly Ken Kenneth Kevin Khalid
    Kim Kimberly Kirsten Kirstjen Kris Kristen Kurt Kyle Larry Laura Lauren Lawrence Leah Lee Leon Leslie Lewis
    Lindsey Linda Lisa Lloyd Lois Loretta Louis Louise Lucas Luis Luke Lynn Madeleine Majid Marco Marcus
    Margaret Maria Marie Marilyn Mario Mark Marsha Martha Martin Mary Masoud Masrour Matt Matthew Maxine
    Megan Melania Melissa Michael Michele Michelle Mick Mike Miles Mitch Mitt Mohamed Mohammad Mohammed
    Muhammad Monica Muqtada Mustafa Nancy Naomi Nasser Natalie Nathan Neil Nechirvan Newt Nicholas Nick
    Nicole Nikki Nina Noah Norman Nouri Olivia Omar Oscar Pam Pamela Pat Patricia Patrick Paul Paula Pete Peter
    Phil Philip Phillip Qais Qassem Rachel Rahm Ralph Rand Randy Raymond Rebecca Recep Reince Rex Richard Rick
    Rob Robert Roberta Robin Rod Roger Ron Ronald Ronny Rosa Ross Roy Ruth Ryan Saad Sadiq Said Salah Saleh Sally
    Sam Samantha Samuel Sandra Sara Sarah Scott Sean Sergei Sergey Seth Shannon Sharon Shawn Sheila Sherrod
    Sheldon Shirley Sidney Stacey Stanley Stephanie Stephen Steve Steven Stuart Susan Suzanne Tammy Tara Ted
    Teresa Terry Theresa Thomas Tim Timothy Tina Todd Tom Tommy Tony Tracy Travis Trey Tulsi Valerie Vanessa
    Victor Victoria Vincent Vladimir Walter Wayne Wendy Will William Willie Xi Yasser Yusuf Zach Zachary Zaid
    Zainab Jalal Barham Latif Nawaf Muhsin Ammar Akram Jaafar Hoshiyar Kamal Karzan Bafel
    Qubad Shaswar Hemin Hiwa Sirwan Mahmoud Mahmud Hamza Yousef Youssef Khaled Walid Hisham Osama Usama
    Abu Ebrahim Hassan Hossein Javad Mohsen Reza Ali-Akbar Esmail Qasem Mehdi Recep
    Mevlut Hakan Ibrahim Binali Ahmet Mehmet Kemal Bulent Devlet Selahattin Benjamin Benny Naftali Yair
    Avigdor Ehud Ariel Shimon Yitzhak Moshe Vladimir Sergei Dmitry Alexei Boris Mikhail Emmanuel Angela Olaf
    Boris Theresa Keir Rishi Liz Jens Ursula Narendra Justin Shinzo Fumio Moon Kim Jinping Wang Li
    Hunter Beau Chelsea Malia Sasha Tiffany Eric Donald Barron Lara Kellyanne Sean Sarah Corey Hope Stephen
    Steve Reince Anthony Jared Mike Rudy Rudolph Roy Lindsey Marco Rand Ted Jeb Ben Carly Chris Scott Bobby
    Rick George Jim Mark Lincoln Bernie Martin Elizabeth Kamala Pete Amy Cory Beto Julian Kirsten Tulsi Jay
    Tim Andrew Tom Tim Marianne Deval Michael Joe Valerie Denis Susan Samantha Loretta Eric Jeh Ash Ashton
    Chuck Nancy Mitch Kevin Paul John Harry Dick Orrin Jeff Lamar Trent Darrell Jason Trey Devin Adam Elijah
    Jerrold Maxine Ilhan Alexandria Rashida Ayanna Hakeem Steny Jim Liz Madison Marjorie Lauren Matt Kari
    Ron Gavin Greg Glenn Brian Doug Phil Larry Dan Henry Condoleezza Colin Madeleine Hillary Rex Mike Antony
    Warren Gerald Ronald Jimmy Lyndon Dwight Franklin Woodrow Theodore Abraham Ulysses Grover Calvin Herbert
    Harry Richard Bashar Hafez Vladimir Recep Hassan Ebrahim Ali Mahmoud Abdel Fattah Mohammed Salman Tamim
    Khalifa Sultan Qaboos Haitham Tamim""")
COMMON = _words("""
    A About Above Across After Afterward Afterwards Again Against Ago Ahead Al All Almost Along Already Also
    Although Always Among Amid An And Another Any Anyone Anything Anyway Apart Are Around As At Away Back Be
    Because Been Before Behind Being Below Beside Besides Between Beyond Both But By Can Cannot Certainly Could
    Currently Despite Did Do Does Doing Done During Each Earlier Early Either Else Elsewhere Even Eventually Ever
    Every Everyone Everything Except Few Finally First For Former Four Friday From Further Furthermore Given
    Had Has Have Having He Hence Her Here Hers Herself Him Himself His How However I If In Including Indeed
    Inside Instead Into Is It Its Itself Just Last Late Later Lately Less Let Like Likewise Little Many May
    Maybe Me Meanwhile Might Mine More Moreover Most Mostly Much Must My Myself Near Nearly Neither Never
    Nevertheless New Next Nine No Nobody None Nonetheless Nor Not Nothing Now Nowhere Of Off Often Oh Ok Okay On
    Once One Only Onto Or Other Others Otherwise Our Ours Out Outside Over Overall Perhaps Please Plus Prior
    Quite Rather Really Recently Regardless Right Same Second Seven Several Shall She Should Since Six So Some
    Somebody Someone Something Sometimes Soon Still Such Ten Than Thanks That The Their Theirs Them Themselves
    Then There Thereafter Therefore These They Third This Those Though Three Through Throughout Thus To Today
    Together Tomorrow Tonight Too Toward Towards Two Under Unless Unlike Until Up Upon Us Very Via Was We
    Well Were What Whatever When Whenever Where Whereas Wherever Whether Which While Who Whoever Whole Whom
    Whose Why Will With Within Without Would Yes Yesterday Yet You Your Yours Yourself Sure Yeah Thank Dear
    Asked Said Says According Speaking Writing Reporting Editing Additional Contributing Photo Photos Image
    Images Video Watch Read Click Share Follow Subscribe Sign Related Advertisement Update Updated Breaking
    Exclusive Editor Editors Note Full Text Abstract Source Sources Getty AP AFP Reuters Copyright
    Several Many Most Some Few Numerous Various Critics Supporters Officials Experts Analysts Observers
    Americans Republicans Democrats Conservatives Liberals Progressives Voters People Residents Lawmakers
    Iraqis Iranians Kurds Arabs Israelis Palestinians Muslims Christians Jews Shiites Sunnis Europeans
    Iraqi Iranian Kurdish Arab Israeli Palestinian Muslim Christian Jewish Shiite Shia Sunni European
    American British French German Russian Chinese Turkish Syrian Saudi Egyptian Lebanese African Asian
    Republican Democratic Democrat Conservative Liberal Progressive Federal National International Global
    Western Eastern Northern Southern Middle Central Islamic Catholic Protestant Evangelical Hispanic Latino
    Black White Gay Lesbian Internet Web Online TV Mr Mrs Ms Dr Sen Rep Gov Gen Lt Col Jr Sr Inc Corp Ltd Co
    God Lord Christmas Easter Ramadan Eid Thanksgiving Halloween Passover Hanukkah Covid COVID Coronavirus
    January February March April June July August September October November December Jan Feb Mar Apr Jun
    Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday Saturday Sunday Mon Tue Tues Wed Thu
    Thurs Fri Sat Sun Spring Summer Autumn Fall Winter AM PM Am Pm Part Chapter Section Page Figure Table
    Step Question Answer Q Story Stories Opinion Analysis Commentary Perspective Live Listen Transcript
    Yes No Not Oops Wow Hey Hi Hello Okay Ah Um Uh Look Listen Imagine Consider Remember Note Take Make
    Go Get Put Keep Stop Start Try Give Tell Ask Think Let's Lets Let Whoever Whatever Sorry Cheers Wait
    Aides Authorities Significantly Importantly Notably Interestingly Ironically Unfortunately Fortunately
    Clearly Obviously Apparently Reportedly Allegedly Basically Frankly Honestly Seriously Crooked
    Texan Texans Iowan Iowans Floridian Floridians Californian Californians Virginian Virginians Vermonter
    Ohioan Ohioans Arizonan Minnesotan Kentuckian Tennessean Bostonian Chicagoan Millennials Boomers Xers""")
_MONTH_DAY = _words("January February March April May June July August September October November December "
                    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
COUNTRIES = _words("""
    Afghanistan Albania Algeria Angola Argentina Armenia Australia Austria Azerbaijan Bahrain Bangladesh
    Belarus Belgium Bolivia Bosnia Brazil Bulgaria Cambodia Cameroon Canada Chad Chile China Colombia Congo
    Croatia Cuba Cyprus Czechia Denmark Ecuador Egypt Eritrea Estonia Ethiopia Finland France Georgia Germany
    Ghana Greece Guatemala Haiti Honduras Hungary Iceland India Indonesia Iran Iraq Ireland Israel Italy
    Jamaica Japan Jordan Kazakhstan Kenya Korea Kosovo Kuwait Kyrgyzstan Laos Latvia Lebanon Libya Lithuania
    Luxembourg Macedonia Malaysia Mali Mexico Moldova Mongolia Montenegro Morocco Mozambique Myanmar Nepal
    Netherlands Nicaragua Niger Nigeria Norway Oman Pakistan Palestine Panama Paraguay Peru Philippines Poland
    Portugal Qatar Romania Russia Rwanda Senegal Serbia Singapore Slovakia Slovenia Somalia Spain Sudan Sweden
    Switzerland Syria Taiwan Tajikistan Tanzania Thailand Tunisia Turkey Turkmenistan Uganda Ukraine Uruguay
    Uzbekistan Venezuela Vietnam Yemen Zambia Zimbabwe Mauritania Burundi Benin Togo Guinea Gabon Liberia Malawi
    Namibia Botswana Madagascar Djibouti Bhutan Brunei Maldives Fiji Belize Suriname Guyana Malta""")
# capitals: the state they stand for when they act ("Kinshasa would not accept", "talks with Vientiane")
CAPITALS: dict[str, str] = {
    **{c: k for k, cs in {
        "Congo": "Kinshasa", "Rwanda": "Kigali", "Uganda": "Kampala", "Kenya": "Nairobi", "Sudan": "Khartoum",
        "Somalia": "Mogadishu", "Eritrea": "Asmara", "Senegal": "Dakar", "Mauritania": "Nouakchott", "Mali": "Bamako",
        "Niger": "Niamey", "Nigeria": "Abuja", "Ghana": "Accra", "Cameroon": "Yaounde Yaoundé", "Angola": "Luanda",
        "Zambia": "Lusaka", "Zimbabwe": "Harare", "Mozambique": "Maputo", "Namibia": "Windhoek", "Tanzania": "Dodoma",
        "Morocco": "Rabat", "Algeria": "Algiers", "Tunisia": "Tunis", "Libya": "Tripoli", "Egypt": "Cairo",
        "Afghanistan": "Kabul", "Pakistan": "Islamabad", "Uzbekistan": "Tashkent", "Tajikistan": "Dushanbe",
        "Kazakhstan": "Astana", "Kyrgyzstan": "Bishkek", "Turkmenistan": "Ashgabat", "Azerbaijan": "Baku",
        "Armenia": "Yerevan", "Georgia": "Tbilisi", "Turkey": "Ankara", "Oman": "Muscat", "Yemen": "Sanaa",
        "Bahrain": "Manama", "Jordan": "Amman", "Syria": "Damascus", "Lebanon": "Beirut", "Qatar": "Doha",
        "Saudi Arabia": "Riyadh", "Indonesia": "Jakarta", "Philippines": "Manila", "Vietnam": "Hanoi",
        "Thailand": "Bangkok", "Laos": "Vientiane", "Myanmar": "Naypyidaw", "Bangladesh": "Dhaka",
        "Nepal": "Kathmandu", "Japan": "Tokyo", "China": "Beijing", "Taiwan": "Taipei", "Mongolia": "Ulaanbaatar",
        "Russia": "Moscow", "Ukraine": "Kyiv Kiev", "Belarus": "Minsk", "Poland": "Warsaw", "Hungary": "Budapest",
        "Romania": "Bucharest", "Serbia": "Belgrade", "Greece": "Athens", "Italy": "Rome", "Spain": "Madrid",
        "Portugal": "Lisbon", "France": "Paris", "Germany": "Berlin", "Austria": "Vienna", "Denmark": "Copenhagen",
        "Norway": "Oslo", "Sweden": "Stockholm", "Finland": "Helsinki", "Ireland": "Dublin", "Canada": "Ottawa",
        "Cuba": "Havana", "Venezuela": "Caracas", "Colombia": "Bogota Bogotá", "Ecuador": "Quito", "Peru": "Lima",
        "Brazil": "Brasilia Brasília", "Paraguay": "Asuncion Asunción", "Uruguay": "Montevideo",
        "Nicaragua": "Managua", "European Union": "Brussels", "Kosovo": "Pristina", "Bosnia": "Sarajevo",
        "Montenegro": "Podgorica", "Macedonia": "Skopje", "Albania": "Tirana", "Croatia": "Zagreb",
        "Slovenia": "Ljubljana", "Slovakia": "Bratislava", "Czechia": "Prague", "Lithuania": "Vilnius",
        "Latvia": "Riga", "Estonia": "Tallinn", "Moldova": "Chisinau", "Cyprus": "Nicosia", "Iceland": "Reykjavik",
        "Australia": "Canberra", "Honduras": "Tegucigalpa", "Haiti": "Port-au-Prince",
    }.items() for c in cs.split()},
    "Kuala Lumpur": "Malaysia", "Addis Ababa": "Ethiopia", "Phnom Penh": "Cambodia", "La Paz": "Bolivia",
    "Buenos Aires": "Argentina", "Mexico City": "Mexico", "New Delhi": "India", "Abu Dhabi": "United Arab Emirates",
    "Guatemala City": "Guatemala", "Kuwait City": "Kuwait", "Seoul": "South Korea",
    "Pyongyang": "North Korea", "Juba": "South Sudan", "Pretoria": "South Africa",
}
PLACES = COUNTRIES | _words("""America Britain England Scotland Wales Europe Asia
    Africa Gaza Crimea Kurdistan Tibet Palestine Alabama Alaska Arizona Arkansas California Colorado
    Connecticut Delaware Florida Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland
    Massachusetts Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon
    Pennsylvania Tennessee Texas Utah Vermont Virginia Wisconsin Wyoming Baghdad Erbil Basra Mosul Kirkuk
    Najaf Karbala Fallujah Ramadi Tikrit Sulaimaniyah Sulaymaniyah Duhok Dohuk Anbar Nineveh Diyala Tehran
    Damascus Beirut Amman Riyadh Ankara Istanbul Cairo Doha Dubai Dhabi Jerusalem Aviv Moscow Beijing
    London Paris Berlin Brussels Geneva Vienna Rome Madrid Tokyo Kabul Islamabad Delhi Ceyhan Washington
    Chicago Boston Houston Dallas Atlanta Miami Seattle Denver Phoenix Philadelphia Detroit Baltimore
    Cleveland Pittsburgh Manhattan Brooklyn Queens Bronx Harlem Hollywood Kong Iowa Vegas Orlando
    Tampa Charlotte Nashville Memphis Portland Sacramento Oakland Columbus Indianapolis Milwaukee
    Minneapolis Cincinnati Richmond Raleigh Charleston Moines Concord Manchester Selma Ferguson Newtown
    Charlottesville Benghazi Aleppo Idlib Raqqa Homs Sinjar Halabja Zakho Kobani Afrin Manbij Golan Sinai
    Levant Mesopotamia Caucasus Balkans Scandinavia Latin Midwest""") | {c for c in CAPITALS if " " not in c}
_MULTI_PLACES = frozenset({
    "New York", "New Jersey", "New Mexico", "New Hampshire", "New Orleans", "New Delhi", "New Zealand",
    "North Carolina", "South Carolina", "North Dakota", "South Dakota", "West Virginia", "Rhode Island",
    "Los Angeles", "San Francisco", "San Diego", "San Antonio", "Las Vegas", "Salt Lake City", "St. Louis",
    "Kansas City", "Des Moines", "Tel Aviv", "Abu Dhabi", "Hong Kong", "Saudi Arabia", "United States",
    "United Kingdom", "United Arab Emirates", "South Korea", "North Korea", "South Sudan", "South Africa",
    "Middle East", "Persian Gulf", "Capitol Hill", "Wall Street", "Silicon Valley", "West Bank", "Gaza Strip",
    "Sri Lanka", "Costa Rica", "Puerto Rico", "El Salvador", "Czech Republic", "Ivory Coast", "Latin America",
    "North America", "South America", "Central America", "Southeast Asia", "East Asia", "Western Europe",
    "Eastern Europe", "Kurdistan Region", "Iraqi Kurdistan", "Green Zone", "Oval Office", "Camp David",
    "Mar-a-Lago", "Fort Worth", "Palm Beach", "Long Island", "Staten Island", "Ground Zero", "Main Street",
    "Pennsylvania Avenue", "Foggy Bottom", "Beltway", "Washington D.C.", "District of Columbia",
    "United States of America", "Caesars Palace", "Times Square", "Union Station", "Grand Central",
    *(c for c in CAPITALS if " " in c),
})
# well-known institutions and organisations that carry no head word
KNOWN_ORGS = _words("""Pentagon Kremlin Congress Senate Parliament Knesset Majlis Duma Politico Breitbart Axios Reuters
    Bloomberg Gallup Quinnipiac Rasmussen YouGov Ipsos Interpol Europol Frontex Hamas Hezbollah Taliban
    Politifact PolitiFact Newsweek Mediaite Gawker BuzzFeed Rudaw Kurdistan24 Greenpeace Oxfam UNICEF UNESCO Xinhua
    Statista Telemundo Univision""")
# companies and outlets whose names are also things ("a Facebook message"): organisations only as agents
AGENT_ORGS = _words("""Exxon ExxonMobil Chevron Gazprom Rosneft Aramco Halliburton Boeing Lockheed Raytheon Google
    Facebook Twitter Microsoft Amazon Apple Walmart Citigroup JPMorgan Vox Slate Salon Time Fortune Forbes
    Shafaq Amnesty Uber Netflix Disney Verizon Comcast Pfizer Moderna Tesla Yahoo Instagram YouTube TikTok""")
# first words of Arabic organisation names ("Ansar al-Sharia", "Jaish al-Mahdi")
_ARABIC_ORG_WORDS = _words("Ansar Jaish Kataib Kata'ib Harakat Saraya Asaib Asa'ib Liwa Hizb Jabhat Jabhet Tahrir Jund "
                           "Ahrar Hay'at Hayat Tanzim Majlis Jamaat Jamaah Jamiat Lashkar Tehreek Tehrik Hashd")
_KNOWN_MULTI_ORGS = frozenset({
    "White House", "Supreme Court", "Planned Parenthood", "Goldman Sachs", "Morgan Stanley", "Black Lives Matter",
    "Tea Party", "Freedom Caucus", "Human Rights Watch", "Amnesty International", "Red Cross", "Red Crescent",
    "Islamic State", "Al Qaeda", "Al-Qaeda", "al Qaeda", "Muslim Brotherhood", "Associated Press", "USA Today",
    "Fox News", "Wells Fargo", "Bank of America", "Exxon Mobil", "Royal Dutch Shell", "British Petroleum",
    "North Oil Company", "Secret Service", "Justice Department", "Homeland Security", "Electoral College",
    "Federal Reserve", "Capitol Police",
})
# legislatures with a multiword proper name and no head word at its end: an organisation wherever they stand in
# a run ("Speaker Lito Baguio of the House of Representatives"); the gazetteer links the U.S. Congress's own
_LEGISLATURES = (("House", "of", "Representatives"), ("House", "of", "Commons"), ("House", "of", "Lords"),
                 ("Chamber", "of", "Deputies"), ("National", "Assembly"))
_KNOWN_MULTI_ORGS = _KNOWN_MULTI_ORGS | {" ".join(words) for words in _LEGISLATURES}
# parties named by an ideology's word, in many countries ("the Greens", "the Liberals said", "Labour wants"): the
# plural after "the" (or "Labour" alone) is the party. Not "Democrats" nor "Republicans" alone: U.S. news uses them
# for groups of politicians and voters (docs/actor-annotation.md), but "the Social Democrats" is a party
_PARTY_WORDS = _words("Greens Liberals Conservatives Socialists Communists Nationalists Unionists Tories Progressives "
                      "Libertarians Centrists Moderates Populists Labour")
_PARTY_QUALIFIERS = _words("Social Christian Liberal Free National Democratic Green")  # "the Christian Democrats"
_PARTY_PLURAL_HEADS = _words("Democrats Dems Socialists Nationalists Liberals Conservatives")
_KNOWN_STARTS = _MULTI_PLACES | _KNOWN_MULTI_ORGS
# states the gazetteer may not know, entities when they act ("Mexico will pay"); not Georgia and Chad (a U.S.
# state, a given name)
_STATE_NAMES = (COUNTRIES - {"Georgia", "Chad"}) | frozenset({
    "North Korea", "South Korea", "South Africa", "New Zealand", "Sri Lanka", "Czech Republic", "South Sudan",
    "Costa Rica", "El Salvador", "Ivory Coast", "Saudi Arabia", "United States", "United Kingdom",
    "United Arab Emirates"})
_NEVER_ALONE = (COMMON | _DETERMINERS | _MONTH_DAY) - PLACES - KNOWN_ORGS
# all-capital words that are not organisations
_NOT_ACRONYMS = _words("""US USA UK U.S. U.K. TV AM PM ET EST EDT PST PDT GMT UTC CEO CFO COO CTO GDP GNP OK ID FAQ
    PDF HTML URL DC D.C. NYC LA II III IV VI VII VIII IX XI AIDS HIV COVID SARS MERS LGBT LGBTQ ISO VIP DNA RNA
    NB PS PPS RSVP ASAP AKA FYI WWII WWI BBQ LOL OMG DIY SUV MP MPs MLA PhD MBA MD BA BS MA IQ AI IT PR PC PM
    Q A I USD IQD EUR GBP BPD MW KM KG LB AR NW NE SW SE CST MST JD RN ESQ APR JAN FEB MAR JUN JUL AUG SEP OCT
    NOV DEC THE AND OF FOR NOT NO YES IS IN ON BY AT TO IT OR BE WE HE ME MY SO DO GO UP NEWS UPDATE BREAKING
    EXCLUSIVE WATCH READ MORE VIDEO PHOTO PHOTOS LIVE ALERT NOTE EDITOR EDITORS OP ED OPED FULL TEXT ABSTRACT
    COPYRIGHT ALL RIGHTS RESERVED AP AFP""")
KNOWN_ACRONYMS = _words("""FBI CIA NSA DHS DOJ DOD DOE EPA IRS FDA CDC NIH NASA FEMA ATF DEA ICE TSA SEC FCC FTC
    FEC NLRB OMB GAO CBO NATO UN EU IMF OPEC GOP DNC RNC NRA ACLU NAACP AIPAC CAIR CPAC SPLC CNN NBC ABC CBS MSNBC
    NPR PBS BBC CNBC HBO ESPN NYT WSJ KRG KDP PUK PMF IRGC CENTCOM ISIS ISIL IS SOMO APIKUR OPEC INOC NOC
    IAEA WHO WTO ICC ICJ OSCE ASEAN AU ANC PLO PKK YPG SDF HTS AQAP AQI USAID UNHCR UNAMI UNSC NSC JSOC
    SOCOM DIA NGA NRO USCIS CBP DHS HHS HUD VA DOT DOL USDA SBA SSA OPM OSHA DOS MOD MOO MOF AARP SEIU NEA AFT""")
_NOT_ACRONYMS_OR_KNOWN = _NOT_ACRONYMS - KNOWN_ACRONYMS
_TRANSCRIPT_STOP = _words("""Q A QUESTION ANSWER MODERATOR ANNOUNCER UNIDENTIFIED MALE FEMALE CROWD AUDIENCE
    REPORTER REPORTERS VOICE NARRATOR HOST ANCHOR NOTE EDITOR UPDATE CORRECTION CLARIFICATION SOURCE BACKGROUND
    MEMBERS PARTICIPANT PARTICIPANTS TRANSCRIPT BEGIN END VIDEO CLIP CHANTING APPLAUSE LAUGHTER CROSSTALK""")

# --- tokens --------------------------------------------------------------------------------------

_ABBREV_DOT = _words("Jr Sr Mr Mrs Ms Dr Sen Sens Rep Reps Gov Gen Gens Lt Col Maj Capt Sgt Adm Cmdr Brig Prof Rev "
                     "Corp Inc Co Ltd St Spc Pvt Cpl Del Ret Pres Messrs Ave Dept")
_QUOTE_OPENERS = "“\"‘'«(—–-:["
_PARTICLE_TOKEN = re.compile(r"^(?:al|el|ad|as|ash|an|ar|at|az|bin|ibn|abu|Abu|Al|El)-[A-Z]")
_ACRONYM = re.compile(r"^(?:[A-Z][A-Z0-9&]{1,7}|[A-Z](?:[a-z]?[A-Z]){1,4}[a-z]?)$")
_ALL_CAPS = re.compile(r"^[A-Z][A-Z0-9&.\-]+$")
_DESCRIPTOR_COMPOUND = re.compile(r"^[A-Z][\w'’]*-(?:maker|backed|based|born|led|owned|run|funded|allied|aligned|"
                                  r"affiliated|linked|controlled|dominated|style|era|elect|turned)$")
_NOT_A_NAME = re.compile(r"['’](?:ve|m|ll|d|re)$|^I['’]|-(?:born|based|backed|led|style|era|old)$")
_COMPOUND_TAIL = re.compile(r"-(?:type|style|like|esque|era|led|backed|based|born|owned|run|funded|allied|aligned|"
                            r"linked|controlled|dominated|appointed|affiliated|supporting|endorsed|friendly)$")
_CAMEL = re.compile(r"^(?!Mc|Mac|De|Di|La|Le|Van)[A-Z][a-z]+[A-Z][A-Za-z]+$")
_PLACE_PREFIXES = _words("Fort Ft Lake Mount Mt Port Saint San Santa Los Las Cape North South East West Upper Lower")
_INITIALS = re.compile(r"[A-Z]|(?:[A-Za-z]\.)+[A-Za-z]")
_WORD = re.compile(r"[A-Za-z][\w'’\-]*")
_SENTENCE_END = re.compile(r"[.!?][”\"’]?\s*$")
_LEADING_PUNCT = re.compile(r"[^\w]*")
_LOWER_WORD = re.compile(r"(?<![\w'’])[a-z][a-z'’\-]*")
_LOWER_BEFORE = re.compile(r"((?:[a-z][\w-]*\s+){0,3})$")
_HONORIFIC_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr)\.?\s+$")
_CAMPAIGN = re.compile(r"[ \u00a0]+(campaign|administration)(?=['’]s\b|[^\w'’-]|$)")
_FACILITY_AFTER = re.compile(r"\s+(airport|airbase|dam|port|border|bridge|river|valley|province|district|camp|base|"
                             r"oilfield|field|station|crossing|refinery|pipeline|reservoir|project|forces|troops|"
                             r"officials|soldiers|authorities|side)\b")
_PLURAL_GROUPS = frozenset({"forces", "troops", "officials", "soldiers", "authorities", "side"})
_CREDIT_BEFORE = re.compile(r"(?:\b(?:Interviewer|Interviewed by|Questions by|Moderator|Host|Presenter)\s*:?\s*)$")
_OF_BEFORE = re.compile(r"\s(?:of|for|in|on)\s+(?:the\s+)?$")
_KNOWN_AS = re.compile(r"(?:,?\s+(?:[A-Z][\w'’]*|and|of|for)){0,6},?\s+(?:(?:the|an?|its)\s+(?:[a-z]+\s+){0,2})?(?:known\s+as|called|dubbed)\s+(?:the\s+)?"
                       r"([A-Z][A-Za-z0-9&]{1,9})\b")
_DEFINITION = re.compile(r"\s*\((?:the\s+)?([A-Z][A-Za-z0-9&]{1,9})\)")


@dataclass
class _Tok:
    start: int
    end: int
    text: str  # without a trailing possessive
    possessive: bool = False
    initial: bool = False  # first word of a sentence or of a quotation


def _is_cap(tok: str) -> bool:
    return bool(tok) and (tok[0].isupper() or bool(_PARTICLE_TOKEN.match(tok))) and tok[0].isalpha()


_CAP = r"(?:(?:[A-Z]\.){2,}|[A-Z]\.|(?:(?:al|el|ad|as|ash|an|ar|at|az|bin|ibn|abu)-)?[A-Z][\w'’\-]*\.?)"
_LINK = r"(?:[ \u00a0](?:of|for|on|and|the|de|del|van|von|der|den|da|di|du|la|le|bin|ibn|al|el|bint|ben|abu)){0,3}"
_RUN = re.compile(rf"(?<![\w’\-.#])(?<![^']'){_CAP}(?:{_LINK}[ \u00a0]{_CAP})*")  # not after ' but after ''
_RUN_TOKEN = re.compile(r"[^ \u00a0]+")


def _run_tokens(text: str, m: re.Match[str], sentence_starts: set[int]) -> list[list[_Tok]]:
    """The tokens of one capitalised run, cut where a sentence starts, after a possessive or a full stop."""
    segments: list[list[_Tok]] = [[]]
    base = m.start()
    tokens = list(_RUN_TOKEN.finditer(m.group(0)))
    for n, tm in enumerate(tokens):
        s, t = base + tm.start(), tm.group(0)
        e = s + len(t)
        cut_after = False
        if t.endswith(".") and len(t) > 1:
            stem = t[:-1]
            if not (stem in _ABBREV_DOT or _INITIALS.fullmatch(stem)):
                t, e, cut_after = stem, e - 1, True
        possessive = False
        if len(t) > 2 and t.endswith(("'s", "’s")):
            t, e, possessive = t[:-2], e - 2, True
        elif t.endswith(("'", "’")) and len(t) > 1 and not (t.endswith(("s'", "s’")) and n + 1 < len(tokens) and
                                                             tokens[n + 1].group(0).rstrip(".,") in ORG_HEADS):
            t, e, possessive = t[:-1], e - 1, True  # but "Teachers' Syndicate" is one name
        suffix = _COMPOUND_TAIL.search(t) if "-" in t else None
        if suffix and suffix.start() > 0:  # "Graham-type", "Trump-backed": the name, then nothing more
            t, e, possessive = t[:suffix.start()], s + suffix.start(), True
        if s in sentence_starts and segments[-1]:
            segments.append([])
        if s == base:
            before = text[max(0, s - 3):s]
            initial = s in sentence_starts or s == 0 or "\n" in before or (before.rstrip()[-1:] in _QUOTE_OPENERS \
                and (before[-1:] in _QUOTE_OPENERS or before.rstrip()[-1:] == ":"))  # "Analysis: What ..."
        else:
            initial = s in sentence_starts
        segments[-1].append(_Tok(s, e, t, possessive, initial))
        if possessive or cut_after:
            segments.append([])
    return [seg for seg in segments if seg]


# --- blocked regions -----------------------------------------------------------------------------

# a state's formal name: "Plurinational State of Bolivia", "Democratic Republic of Congo", "Kingdom of Morocco"
_FORMAL_STATE = re.compile(r"(?:[A-Z][\w-]*\s+){0,2}(?:Republic|State|Kingdom|Sultanate|Emirate|Federation|"
                           r"Commonwealth|Principality)\s+of\s+(?:the\s+)?([A-Z][\w-]*)")
_DATELINE = re.compile(
    r"(?m)^[ \t]*(?:[A-Z][A-Z.'’\-]+(?:[ \t]+[A-Z][A-Z.'’\-]+){0,3})(?:,[ \t]*[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*){0,2})?"
    r"[ \t]*(?:\([^)\n]{1,40}\))?[ \t]*(?:—|–|--|(?<=\s)-(?=\s))")
_AGENCY = r"\((?:Reuters|AP|AFP|Xinhua|dpa|UPI|CNN|Bloomberg|Rudaw|IANS|ANI)\)"  # a wire agency's credit
_AGENCY_DATELINE = re.compile(r"(?m)^[ \t]*[A-Z][\w.'’\-]*(?:[ \t,]+[A-Z][\w.'’\-]*){0,3}[ \t]*"
                              rf"{_AGENCY}[ \t]*(?:—|–|--|-)")
_AGENCY_PAREN = re.compile(_AGENCY)
_BYLINE = re.compile(
    r"(?im)^[ \t]*(?:by|written by|reporting by|additional reporting by|editing by|writing by|compiled by|"
    r"contributing|reported by|story by|photos? by|photograph by|video by|credit|photo credit|image credit|"
    r"source|contact|follow)\b[^\n]{0,200}$")
_CREDIT_PAREN = re.compile(r"\([^()\n]{0,160}\)")
_CREDIT_WORDS = re.compile(r"(?i)photo|getty|images|\bafp\b|reuters/|/reuters|credit|reporting by|editing by|"
                           r"writing by|courtesy")
_BYLINE_SURE = re.compile(r"\s*(?:[Bb]y\s+(?:[A-Z][\w.'’-]*\s*(?:,|and\b|&)?\s*){1,8}(?:$|\||—|-|\bfor\b)|"
                          r"Follow\s.*\b[Oo]n\s+(?:Twitter|Facebook|Instagram)|Contact\s|Contributing\s*:)")
_QUOTED = re.compile(r"“([^”\n]{1,80})”|\"([^\"\n]{1,80})\"|''([^'\n]{1,80})''|‘([^’\n]{1,60})’")
_TITLE_FUNCTION = _words("a an the of and or in on at to for with by from is are was be as vs. vs")


def _blocked_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in _DATELINE.finditer(text):
        head = m.group(0)
        # a dateline is short, all capitals before the comma, at a paragraph start
        if len(head) <= 80 and re.match(r"[ \t]*[A-Z]{2}", head):
            spans.append((m.start(), m.end()))
    spans += [(m.start(), m.end()) for m in _AGENCY_PAREN.finditer(text)]
    spans += [(m.start(), m.end()) for m in _AGENCY_DATELINE.finditer(text)]  # "Washington (AFP) -"
    for m in _BYLINE.finditer(text):
        line = m.group(0)
        if (len(line) <= 160 and not _SENTENCE_END.search(line)) or (len(line) <= 100 and _BYLINE_SURE.match(line)):
            spans.append((m.start(), m.end()))
    if "(" in text:
        spans += [(m.start(), m.end()) for m in _CREDIT_PAREN.finditer(text) if _CREDIT_WORDS.search(m.group(0))]
    pos = 0
    for line in text.split("\n"):  # a caption or credit line: short and naming an agency's photo desk
        if len(line) <= 200 and re.search(r"(?i)getty images|ap photo|/afp|/reuters|photo:|photograph:", line):
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    for m in _QUOTED.finditer(text):
        inner = next(g for g in m.groups() if g is not None)
        words = inner.strip(" ,.;:!?").split()
        if not words or len(words) > 9 or (inner.rstrip().endswith((".", "?", "!")) and len(words) > 3):
            continue
        content = [w for w in words if w.lower() not in _TITLE_FUNCTION]
        if content and all(w[:1].isupper() or not w[:1].isalpha() for w in content) and words[0][:1].isupper():
            spans.append((m.start(), m.end()))
    return spans


# --- candidates ----------------------------------------------------------------------------------

@dataclass
class _Cand:
    start: int
    end: int
    toks: list[str]
    kind: str  # "person", "organisation", "?" (shape only, decided later)
    reason: str
    acronym_of: int | None = None  # index of the candidate an acronym stands for


def _key_tokens(toks: Sequence[str]) -> list[str]:
    return [t.rstrip(".") for t in toks]


def _is_name_token(t: str, lowered: set[str]) -> bool:
    base = t.rstrip(".")
    if _PARTICLE_TOKEN.match(base):
        return True
    if not base[:1].isupper() or base in COMMON or base in _MONTH_DAY:
        return False
    return not (base.lower() in lowered and base not in GIVEN_NAMES)


def _acronym_matches(acr: str, toks: Sequence[str]) -> bool:
    letters = [t[0].upper() for t in toks if t[:1].isupper() and t not in _DETERMINERS]
    if len(acr) < 2 or not letters:
        return False
    initials = "".join(letters)
    plain = acr.replace("&", "").upper()
    if plain == initials or plain == "".join(t[0].upper() for t in toks if t.lower() not in _TITLE_FUNCTION):
        return True
    return plain[0] == initials[0] and len(plain) <= len(initials) + 3 and _subsequence(plain, "".join(toks).upper())


def _subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


def _slug(name: str) -> str:
    s = re.sub(r"[^\w]+", "-", name.lower()).strip("-")
    return s or "entity"


_ORG_KEY_HEADS = _words("Ministry Department Office Agency Bureau Committee Council Commission Authority Court")


_GENERIC_FIRST = (ORG_HEADS | _DESCRIPTORS | TITLES | _PORTFOLIO | PLACES | GIVEN_NAMES | KNOWN_ORGS | _DETERMINERS |
                  _words("National Federal International United American Islamic Supreme Central General Joint"))
_CORPORATE = _words("inc corp co ltd llc plc company corporation news")


def _org_key(toks: Sequence[str]) -> str:
    """'Oil Ministry' and 'Ministry of Oil' share a key, as do 'Pfizer Inc.' and 'Pfizer'; determiners and case
    are ignored."""
    words = [t.rstrip(".").lower() for t in toks if t not in _DETERMINERS]
    while len(words) > 1 and words[-1] in _CORPORATE:
        words = words[:-1]
    if len(words) >= 3 and words[1] == "of" and toks[0] in _ORG_KEY_HEADS:
        words = [*[w for w in words[2:] if w != "the"], words[0]]
    return " ".join(words)


def _strip_particle(t: str) -> str:
    if "-" not in t:
        return t.rstrip(".")
    return re.sub(r"^(?:al|el|ad|as|ash|an|ar|at|az)-", "", t.rstrip("."), flags=re.IGNORECASE)


def extract_actor_entities(
    text: str,
    sentences: Sequence[Sentence] | None = None,
    gazetteer: Gazetteer | None = None,
    mentions: Sequence[Mention] | None = None,
) -> list[ActorEntity]:
    """People and organisations named in ``text``, each with its merged mentions, in order of first mention.

    ``mentions`` are the gazetteer mentions when the caller already has them (saves a second match).
    """
    return extract_actors(text, sentences, gazetteer, mentions)[0]


def extract_actors(
    text: str,
    sentences: Sequence[Sentence] | None = None,
    gazetteer: Gazetteer | None = None,
    mentions: Sequence[Mention] | None = None,
) -> tuple[list[ActorEntity], list[Mention]]:
    """The entities of :func:`extract_actor_entities` and the gazetteer mentions that name an actor.

    A gazetteer alias inside a longer proper name is a word of that name, not a mention: "Badr" of
    "Foreign Minister Badr Abdelatty" is not the Badr Organization, "Trump" of "Trump Tower" is not
    Trump. Such mentions are dropped unless the longer name is linked to the same gazetteer actor.
    """
    if sentences is None:
        sentences = split_sentences(text)
    gaz = gazetteer or default_gazetteer()
    gaz_mentions = list(mentions) if mentions is not None else gaz.find_mentions(text)
    starts: set[int] = set()
    for s in sentences:
        m = _LEADING_PUNCT.match(s.text)
        starts.add(s.start + (m.end() if m else 0))
    blocked = _blocked_spans(text)
    lowered = set(_LOWER_WORD.findall(text))
    headline = _headline_offsets(text)
    cands = _runs(text, starts, blocked, lowered, headline)
    things = [(c.start, c.end) for c in cands if c.kind == "thing"]
    entities = _merge(text, cands, gaz_mentions, lowered, gaz.kind_of, blocked)
    return entities, _outside_longer_names(entities, things, gaz_mentions)


def _outside_longer_names(entities: Sequence[ActorEntity], things: Sequence[tuple[int, int]],
                          mentions: Sequence[Mention]) -> list[Mention]:
    """The gazetteer mentions not strictly inside a longer name of another actor or of a thing."""
    spans = sorted([(a, b, e.gazetteer_id) for e in entities for a, b in e.mentions] +
                   [(a, b, None) for a, b in things])
    if not spans:
        return list(mentions)
    starts = [a for a, _, _ in spans]
    reach = list(itertools.accumulate((b for _, b, _ in spans), max))
    out: list[Mention] = []
    for m in mentions:
        k = bisect.bisect_right(starts, m.start)
        inside = False
        j = k - 1
        while j >= 0 and reach[j] >= m.end and not inside:
            a, b, gid = spans[j]
            inside = a <= m.start and m.end <= b and b - a > m.end - m.start and gid != m.actor
            j -= 1
        if not inside:
            out.append(m)
    return out


def _headline_offsets(text: str) -> list[tuple[int, int]]:
    """Lines in title case (headlines, section heads): every token there gets the common-word test."""
    out: list[tuple[int, int]] = []
    pos = 0
    first = True
    for line in text.split("\n"):
        if len(line) <= 200:
            words = _WORD.findall(line)
            long_words = [w for w in words if len(w) >= 4]
            if long_words and len(words) <= 25:
                share = sum(w[0].isupper() for w in long_words) / len(long_words)
                # the first line is the title even when it ends in "!" or "."
                title = first and len(words) <= 20 and pos + len(line) < len(text.rstrip())
                if (share >= 0.6 and not _SENTENCE_END.search(line)) or (title and share >= 0.8):
                    out.append((pos, pos + len(line)))
            first = first and not line.strip()
        pos += len(line) + 1
    return out


def _inside(spans: Sequence[tuple[int, int]], a: int, b: int) -> bool:
    return any(a < y and x < b for x, y in spans)


def _runs(text: str, sentence_starts: set[int], blocked: list[tuple[int, int]], lowered: set[str],
          headline: list[tuple[int, int]]) -> list[_Cand]:
    """Maximal runs of capitalised tokens (with connectors), classified into candidates."""
    cands: list[_Cand] = []
    for m in _RUN.finditer(text):
        if m.group(0) in _NEVER_ALONE and m.group(0) not in _PARTY_WORDS:
            continue  # a lone "The", "He", "Monday": the commonest runs, decided without tokenising
        if blocked and _inside(blocked, m.start(), m.end()):
            segments = [[t for t in seg if not _inside(blocked, t.start, t.end)]
                        for seg in _run_tokens(text, m, sentence_starts)]
        else:
            segments = _run_tokens(text, m, sentence_starts)
        here = headline if headline and _inside(headline, m.start(), m.end()) else ()
        for seg in segments:
            if seg:
                cands.extend(_classify_run(text, seg, lowered, here))
    return cands


def _split_connectors(run: list[_Tok]) -> list[list[_Tok]]:
    parts: list[list[_Tok]] = [[]]
    for t in run:
        if t.text in _CONNECTORS and not _is_cap(t.text):
            parts.append([])
        elif t.text in _PARTICLES and not _is_cap(t.text):
            parts[-1].append(t)
        else:
            parts[-1].append(t)
    return [p for p in parts if p]


def _org_head_index(words: Sequence[str]) -> int | None:
    """Index of the organisation head word of a run, if it has one (before any 'of/for/on' complement)."""
    bare = [w.rstrip(".") for w in words]
    first_conn = next((k for k, w in enumerate(bare) if w in ("of", "for", "on")), len(bare))
    if any(w in ("and", "the", "de") for w in bare[:first_conn]) or \
            any(w in _MONTH_DAY for w in bare[first_conn:]):
        return None  # "Clinton and the Democratic National Committee", "ABC News on Sunday": two names
    for k in range(first_conn - 1, -1, -1):
        w = bare[k]
        if k == first_conn - 1 and "-" in w and w.rsplit("-", 1)[1][:1].isupper():
            # "Sun-Times", "Post-Gazette"; "Directorate-General for ..."
            w = w.rsplit("-", 1)[1] if w.split("-", 1)[0] not in ORG_HEADS else w.split("-", 1)[0]
        if w in ORG_HEADS and (k == first_conn - 1 or w in ("Co", "Corp", "Inc", "Ltd")):
            if w in _HEADS_NEEDING_COMPLEMENT and first_conn == len(bare) and not (k > 0 and ((bare[k] in (
                    "Force", "Forces", "Guard", "Army", "Police", "Government", "Delegation") and
                    bare[k - 1] not in COMMON) or (bare[k] in ("Center", "Centre", "Centers", "Centres") and bare[k - 1] in _RESEARCH))):
                return None
            return k
        if k == first_conn - 1 and w in NOT_ACTOR_HEADS:
            return None
    if first_conn < len(bare):
        return None
    if bare and bare[-1] in _BARE_HEADS:
        return len(bare) - 1
    return None


def _known_start(text: str, run: list[_Tok]) -> bool:
    """The run opens with a known two- or three-word place or organisation ("Saudi Arabia", "White House")."""
    return any(len(run) >= n and text[run[0].start:run[n - 1].end] in _KNOWN_STARTS for n in (2, 3))


def _headline_run(text: str, run: list[_Tok], lowered: set[str], headline: Sequence[tuple[int, int]]) -> list[_Cand]:
    """A run in a title-case line: only the longest pieces that the body also writes are names."""
    out: list[_Cand] = []
    i = 0
    while i < len(run):
        for j in range(len(run), i, -1):
            piece = text[run[i].start:run[j - 1].end]
            if _in_body(text, piece, headline):
                out.extend(_classify_run(text, run[i:j], lowered, ()))
                i = j
                break
        else:
            i += 1
    return out


def _in_body(text: str, piece: str, headline: Sequence[tuple[int, int]]) -> bool:
    at = text.find(piece)
    while at >= 0:
        if not _inside(headline, at, at + len(piece)):
            return True
        at = text.find(piece, at + 1)
    return False


def _classify_run(text: str, run: list[_Tok], lowered: set[str], headline: Sequence[tuple[int, int]]) -> list[_Cand]:
    in_headline = bool(headline)
    # drop sentence-initial (or headline) common words and leading determiners
    while run and not _known_start(text, run) and (run[0].text in _DETERMINERS or ((run[0].initial or in_headline) and
                   (run[0].text in COMMON or (run[0].text.lower() in lowered and run[0].text not in GIVEN_NAMES
                                              and not _ALL_CAPS.match(run[0].text))))
                   or run[0].text in _CONNECTORS or run[0].text in _PARTICLES):
        if len(run) == 1 and run[0].text not in COMMON and run[0].text not in _DETERMINERS and \
                run[0].text not in _CONNECTORS and run[0].text not in _PARTICLES:
            # "Rice said" where the text also writes "rice": the surname of someone named in full, or nothing
            return [_Cand(run[0].start, run[0].end, [run[0].text], "weak", "lowered")]
        if len(run) > 1 and run[0].text not in _DETERMINERS and run[0].text not in _CONNECTORS \
                and run[0].text not in _PARTICLES:
            run[1].initial = True  # "But Several ..." the next word is still at the start
        run = run[1:]
    while run and (run[-1].text in _CONNECTORS or run[-1].text in _PARTICLES):
        run = run[:-1]
    # "the Ministry of Water Resources on Friday": the date is no part of the name (nor a reason to drop it)
    while len(run) >= 3 and run[-1].text in _MONTH_DAY and run[-2].text == "on":
        run = run[:-2]
    if not run:
        return []
    if in_headline:
        return _headline_run(text, run, lowered, headline)
    if len(run) <= 2 and (party := _party(text, run)) is not None:
        return [party]
    words = [t.text for t in run]
    surface = text[run[0].start:run[-1].end]
    # a whole run that is a known organisation or a place
    if surface in _KNOWN_MULTI_ORGS:
        return [_Cand(run[0].start, run[-1].end, words, "organisation", "known")]
    if surface in _MULTI_PLACES:  # "Oval Office", "Saudi Arabia": a place, or a state when it acts
        return [_Cand(run[0].start, run[-1].end, words, "place", "known")]
    if (legislature := _legislature(text, run, lowered)) is not None:
        return legislature
    if (formal := _FORMAL_STATE.search(surface)) and formal.group(1) in _STATE_NAMES:
        # "Democratic Republic of Congo", also inside "Chile and the Plurinational State of Bolivia"
        a, b = run[0].start + formal.start(), run[0].start + formal.end()
        inner = [t for t in run if a <= t.start and t.end <= b]
        if inner and inner[0].start == a and inner[-1].end == b:
            head_part = [t for t in run if t.end <= a]
            tail_part = [t for t in run if t.start >= b]
            return [*(_classify_run(text, head_part, lowered, ()) if head_part else []),
                    _Cand(a, b, [t.text for t in inner], "place", "formal"),
                    *(_classify_run(text, tail_part, lowered, ()) if tail_part else [])]
    head = _org_head_index(words)
    if head is not None:
        # "Secretary of State" style titles are not organisations; "Justice Department" is
        # trailing words after a complement are kept; a possessive or title prefix is not part of it
        start_k = 0
        while start_k < head and words[start_k] in TITLES and words[start_k] not in ("Justice", "Chief"):
            start_k += 1
        if start_k <= head:
            sub = run[start_k:]
            if all(_key_tokens([t.text])[0] in _PORTFOLIO or t.text in TITLES for t in sub) and \
                    sub[-1].text not in ORG_HEADS:
                return []
            if len(sub) == 1 and sub[0].text.rstrip(".") not in _BARE_HEADS and sub[0].text not in KNOWN_ORGS:
                return [_Cand(sub[0].start, sub[0].end, [sub[0].text], "headref", "single")]
            # "Council on American-Islamic Relations Executive Director Nihad Awad": a title ends the name
            k = next((i for i in range(head - start_k + 1, len(sub) - 1) if sub[i].text.rstrip(".") in TITLES), None)
            if k is not None:
                org = sub[:k]
                while org and (org[-1].text in _CONNECTORS or org[-1].text in _DESCRIPTORS or
                               org[-1].text in ("National", "Executive", "Senior")):
                    org = org[:-1]
                person = _person_or_other(text, sub[k:], lowered)
                return [_Cand(org[0].start, org[-1].end, [t.text for t in org], "organisation", "head"), *person] \
                    if org else person
            return [_Cand(sub[0].start, sub[-1].end, [t.text for t in sub], "organisation", "head")]
    # split at connectors (no organisation holds them together)
    parts = _split_connectors(run)
    if len(parts) == 2 and len(parts[0]) == 1 and len(parts[1]) <= 2 and \
            [t.text for t in run[1:-len(parts[1])]] == ["de"] and parts[0][0].text.rstrip(".") not in TITLES:
        return _person_or_other(text, run, lowered)  # "Sanne de Wit", "Charles de Gaulle"
    if len(parts) > 1:
        # "Secretary of State Mike Pompeo": a title, a portfolio, then the name
        if parts[0][-1].text.rstrip(".") in TITLES:
            # the portfolio may span parts ("of Health and Human Services"); the name is in the first part
            # that is not all portfolio, and what follows it ("for the Democratic ...") is not the name
            n = 1
            while n < len(parts) - 1 and all(t.text in _PORTFOLIO or t.text in TITLES for t in parts[n]):
                n += 1
            rest = parts[n]
            k = 0
            while k < len(rest) - 1 and (rest[k].text in _PORTFOLIO or rest[k].text in TITLES) and \
                    rest[k].text not in GIVEN_NAMES:
                k += 1
            name = rest[k:]
            out: list[_Cand] = []
            if name and name[0].text not in _PORTFOLIO and not any(t.text in PLACES for t in name) and \
                    text[name[0].start:name[-1].end] not in _MULTI_PLACES:
                out = _person_from(text, name, "title", lowered)
            if n + 1 < len(parts):  # what follows the name is one run again ("of the Board of Trade")
                out.extend(_classify_run(text, run[run.index(parts[n + 1][0]):], lowered, ()))
            return out
        out = []
        for i, p in enumerate(parts):
            rest = run[run.index(p[0]):]
            if 0 < i < len(parts) - 1 and all(t.text != "and" for t in rest) and \
                    _org_head_index([t.text for t in rest]) is not None:
                out.extend(_classify_run(text, rest, lowered, ()))  # "Olu Bakare of the Board of Trade"
                break
            for c in _classify_run(text, p, lowered, ()):
                if c.kind == "?" and len(c.toks) == 1 and p is not parts[0]:
                    c.kind = "weak"  # "Sciences, Engineering and Medicine": a surname at most
                out.append(c)
        return out
    return _person_or_other(text, run, lowered)


_THE_JUST_BEFORE = re.compile(r"\b[Tt]he\s+$")
_DEMONYM_PLURAL = re.compile(r"(?:is|ans|ese)$")  # "the Emiratis", "the Angolans": people of a state, not a party


def _party(text: str, run: list[_Tok]) -> _Cand | None:
    """A party named by its head word: "Labour", "the Greens", "the Social Democrats" (organisations), or a
    capitalised plural after "the" ("the Verdants") left for :func:`_merge` to decide (it is the party when it
    acts and no person of that surname is named: "the Pellows said" is a family)."""
    words = [t.text for t in run]
    after_the = bool(_THE_JUST_BEFORE.search(text, max(0, run[0].start - 5), run[0].start))
    if words == ["Labour"] or (after_the and len(words) == 1 and words[0] in _PARTY_WORDS) or (
            after_the and len(words) == 2 and words[0] in _PARTY_QUALIFIERS and words[1] in _PARTY_PLURAL_HEADS):
        return _Cand(run[0].start, run[-1].end, words, "organisation", "party")
    w = words[0]
    if after_the and len(words) == 1 and len(w) > 3 and w.endswith("s") and not w.endswith("ss") and \
            w[1:].islower() and not _DEMONYM_PLURAL.search(w) and w[:-1] not in COMMON and w not in PLACES and \
            w not in _STATE_NAMES and w not in ORG_HEADS and w not in NOT_ACTOR_HEADS and w not in KNOWN_ORGS and \
            w[:-1] not in TITLES and w[:-1].lower() not in LOWER_TITLES:  # not "the Philippines", "the Governors'"
        return _Cand(run[0].start, run[0].end, words, "?", "plural")
    return None


def _legislature(text: str, run: list[_Tok], lowered: set[str]) -> list[_Cand] | None:
    """A legislature's name inside a longer run, as an organisation with the modifiers before it ("Philippine
    House of Representatives") and a country after "of" ("National Assembly of Kenya"); the words around it are
    classified on their own. None when the run holds no such name."""
    words = [t.text for t in run]
    for name in _LEGISLATURES:
        n = len(name)
        at = next((k for k in range(len(words) - n + 1) if tuple(words[k:k + n]) == name), None)
        if at is None:
            continue
        a, b = at, at + n
        while a > 0 and at - a < 2 and words[a - 1] not in _CONNECTORS and words[a - 1] not in _PARTICLES and \
                words[a - 1].rstrip(".") not in TITLES and words[a - 1] not in GIVEN_NAMES and \
                not run[a - 1].possessive:
            a -= 1
        if b + 1 < len(words) and words[b] == "of" and words[b + 1] in _STATE_NAMES | PLACES and \
                not run[b - 1].possessive:
            b += 2
        org = _Cand(run[a].start, run[b - 1].end, words[a:b], "organisation", "known")
        before = _classify_run(text, run[:a], lowered, ()) if a else []
        after = _classify_run(text, run[b:], lowered, ()) if b < len(run) else []
        return [*before, org, *after]
    return None


def _person_from(text: str, name: list[_Tok], reason: str, lowered: set[str]) -> list[_Cand]:
    while name and name[-1].text.rstrip(".") in TITLES and len(name) > 1:
        name = name[:-1]
    # "Speaker of the House Rep. Paul Ryan": the name is what follows the last title
    last = max((k for k, t in enumerate(name[:-1]) if t.text.rstrip(".") in TITLES), default=-1)
    name = _after_descriptors(name[last + 1:], lowered)
    if not name or len(name) > 5 or all(t.text.rstrip(".") in TITLES or t.text.rstrip(".") in _NAME_SUFFIXES
                                        for t in name):
        return []
    words = [t.text for t in name]
    # "Mr. Camp", "Mr. Deal"; the honorific ends right before the name, so a short window is enough (and
    # keeps long paragraphs linear)
    honorific = bool(_HONORIFIC_BEFORE.search(text, max(0, name[0].start - 24), name[0].start))
    if len(name) == 1 and not honorific and (words[0] in ORG_HEADS or words[0] in NOT_ACTOR_HEADS or
                                             words[0] in _NOT_ACRONYMS or _NOT_A_NAME.search(words[0]) or
                                             words[0].lower() in LOWER_TITLES):
        return []  # "Grand Hotel", "Chairman and CEO"
    if len(name) == 1 and not honorific and len(words[0]) >= 3 and _ALL_CAPS.match(words[0]) \
            and words[0] not in _NOT_ACRONYMS and _OF_BEFORE.search(text, max(0, name[0].start - 12), name[0].start):
        # "the Special Representative of the OSCE": the title's organisation, not a person
        return [_Cand(name[0].start, name[0].end, words, "organisation", reason)]
    if all(w in PLACES or w in COMMON or w in _MONTH_DAY for w in words) and reason != "title":
        return []
    if len(name) == 1 and (words[0] in PLACES or words[0] in _MONTH_DAY or words[0] in COMMON):
        return []
    return [_Cand(name[0].start, name[-1].end, words, "person", reason)]


def _after_descriptors(run: list[_Tok], lowered: set[str]) -> list[_Tok]:
    """'Vermonter Bernie Sanders', 'Political Affairs Wendy Sherman' -> the run from the given name on."""
    bare = [t.text.rstrip(".") for t in run]
    if len(run) < 3 or bare[0] in GIVEN_NAMES:
        return run
    k = next((i for i, w in enumerate(bare[:-1]) if w in GIVEN_NAMES), 0)
    if k and all(w in COMMON or w.lower() in lowered or w.endswith(("er", "ers", "ian", "ians", "ans", "s"))
                 for w in bare[:k]):
        return run[k:]
    return run


def _person_or_other(text: str, run: list[_Tok], lowered: set[str]) -> list[_Cand]:
    words = [t.text for t in run]
    bare = [w.rstrip(".") for w in words]
    # titles: the name is what follows the last title word
    if len(run) >= 2 and "-" in bare[0] and _DESCRIPTOR_COMPOUND.match(bare[0]):  # "Botox-maker Allergan"
        kind = "organisation" if bare[0].endswith("-maker") else None
        rest = run[1:]
        if kind:
            return [_Cand(rest[0].start, rest[-1].end, [t.text for t in rest], kind, "descriptor")]
        return _person_or_other(text, rest, lowered)
    last_title = max((k for k, w in enumerate(bare) if (w in TITLES or w.lower() in LOWER_TITLES)
                      and k + 1 < len(bare)), default=-1)
    if last_title > 0 and bare[0] in GIVEN_NAMES and not any(w in TITLES for w in bare[:last_title]):
        last_title = -1  # "Martin Luther King Jr.": a title word inside a name
    if last_title >= 0 and bare[last_title] not in TITLES and len(run) - last_title == 2 and \
            bare[-1] not in GIVEN_NAMES:
        # "Voter Vault", "Actor Howard": a capitalised common noun before one word is weak evidence
        return [_Cand(run[-1].start, run[-1].end, [words[-1]], "weak", "single")]
    if last_title >= 0:
        name = run[last_title + 1:]
        if len(name) >= 2 and bare[-1] in NOT_ACTOR_HEADS and bare[last_title + 1] not in GIVEN_NAMES:
            # "Grand Ethiopian Renaissance Dam", "King Fahd Causeway": a title word opening a facility's name
            # (not "Gov. Nathan Deal": a given name opens a person's)
            return [_Cand(run[0].start, run[-1].end, words, "thing", "not-actor")]
        if name and not (len(name) == 1 and name[0].text in ORG_HEADS):
            # the words before the title may name the person's organisation ("FBI Director James Comey")
            k = last_title
            while k > 0 and (bare[k - 1] in TITLES or bare[k - 1].lower() in LOWER_TITLES):
                k -= 1
            before = [c for c in _classify_run(text, run[:k], lowered, ()) if c.kind in ("organisation", "acronym")] \
                if k else []
            return before + _person_from(text, name, "title", lowered)
    if len(bare) > 1 and all(w in PLACES for w in bare):
        return []
    if len(run) >= 4 and text[run[-2].start:run[-1].end] in _MULTI_PLACES:  # "Ted Cruz South Carolina"
        return _person_or_other(text, run[:-2], lowered)
    if bare[-1] in NOT_ACTOR_HEADS and len(bare) == 2 and bare[0] in GIVEN_NAMES:
        # "Nathan Deal", "Jim Crow": a person only if the document names that person otherwise
        return [_Cand(run[0].start, run[-1].end, words, "?", "head-surname")]
    if bare[-1] in NOT_ACTOR_HEADS and len(bare) > 1:
        # "Trump Tower", "Iraq War": not an actor, and no name inside it is one
        return [_Cand(run[0].start, run[-1].end, words, "thing", "not-actor")]
    if bare[-1] in NOT_ACTOR_HEADS or bare[-1] in _MONTH_DAY or all(w in _MONTH_DAY or w in COMMON for w in bare):
        return []
    # leading descriptors ("Republican Ted Cruz")
    k = 0
    while k < len(run) - 1 and bare[k] in _DESCRIPTORS:
        k += 1
    if k:
        run, words, bare = run[k:], words[k:], bare[k:]
    if len(run) == 1:
        w = bare[0]
        if (("'" in w or "’" in w or "-" in w) and _NOT_A_NAME.search(w)) or w.lower() in LOWER_TITLES:
            return []
        if _ALL_CAPS.match(words[0]) and _ACRONYM.match(w.replace(".", "").replace("-", "")) and \
                not re.fullmatch(r"(?:[HS][BR]?|AB|HF|SF|LB|[HS]J?R)-?\d+", w):  # "KING-TV", "M23", not the bill "HB-2"
            if "." in words[0] and len(w.replace(".", "")) < 3 and w.replace(".", "") not in KNOWN_ACRONYMS and \
                    w not in ("U.S", "U.K"):  # the states, decided with the gazetteer
                return []  # "N.C.", "J.M.": a state or initials
            return [_Cand(run[0].start, run[0].end, words, "acronym", "shape")]
        if w in KNOWN_ORGS:
            return [_Cand(run[0].start, run[0].end, words, "organisation", "known")]
        if w in AGENT_ORGS:
            return [_Cand(run[0].start, run[0].end, words, "company", "known")]
        if w in PLACES:  # a place, unless a person of that surname is named ("Jim Jordan" ... "Jordan")
            return [_Cand(run[0].start, run[0].end, words, "place", "single")]
        if "-" in w and not _PARTICLE_TOKEN.match(w):  # "Trump-Clinton", "Cobb-Hunter": a known surname at most
            return [_Cand(run[0].start, run[0].end, words, "weak", "single")]
        if w in COMMON or w in _MONTH_DAY or w in _DESCRIPTORS or w in TITLES:
            return []
        if w in ORG_HEADS:  # "the Post", "the Committee": the organisation named just before, if any
            return [_Cand(run[0].start, run[0].end, words, "headref", "single")]
        if _CAMEL.match(w):  # "EgyptAir", "HuffPost", "YouTube"
            return [_Cand(run[0].start, run[0].end, words, "company", "shape")]
        if run[0].initial and w.endswith("ly"):
            return []
        return [_Cand(run[0].start, run[0].end, words, "?", "single")]
    if len(run) > 5 or bare[0] in _PLACE_PREFIXES:
        return []
    if all(_ALL_CAPS.match(w) for w in words):
        return []  # shouting or a heading, not a name
    if bare[0] in _ARABIC_ORG_WORDS:
        return [_Cand(run[0].start, run[-1].end, words, "organisation", "shape")]
    run = _after_descriptors(run, lowered)
    words, bare = [t.text for t in run], [t.text.rstrip(".") for t in run]
    if bare[0] in GIVEN_NAMES:
        return [_Cand(run[0].start, run[-1].end, words, "person", "given")]
    if len(bare) >= 2 and bare[-1] in _NAME_SUFFIXES and bare[-2] in NOT_ACTOR_HEADS:
        return []
    if bare[-1] in _NAME_SUFFIXES or any(_PARTICLE_TOKEN.match(w) or w in _PARTICLES for w in bare[1:]) or \
            any(len(w) == 2 and w[1] == "." and w[0].isupper() for w in words[1:-1]):
        return [_Cand(run[0].start, run[-1].end, words, "person", "shape")]
    if any(w in PLACES for w in bare):
        return []
    return [_Cand(run[0].start, run[-1].end, words, "?", "shape")]


# --- context, acronyms and merging ---------------------------------------------------------------

_ORG_NOUN_AFTER = re.compile(r"\s+(?:(?:trade|regional|rebel|armed|political|opposition|militant|farmers['’]?)\s+)?"
                             r"(?:bloc|alliance|group|union|party|movement|coalition|federation|association|militia|"
                             r"faction|cartel)(?![\w-])")
_THE_BEFORE = re.compile(r"\b[Tt]he\s+$")


def _context_kind(text: str, c: _Cand) -> str | None:
    """'person' or 'organisation' from the words around a candidate, or None."""
    before = text[max(0, c.start - 60):c.start]
    after = text[c.end:c.end + 80]
    pre = _LOWER_BEFORE.search(before)
    if pre and c.kind != "acronym":
        words = pre.group(1).split()
        if words and (words[-1] in LOWER_TITLES or words[-1][:-1] in LOWER_TITLES or (
                words[-1].endswith("es") and words[-1][:-2] in LOWER_TITLES)):  # "the actresses Salma Hayek"
            return "person"
    if _HONORIFIC_BEFORE.search(before) or (len(c.toks) > 1 and _CREDIT_BEFORE.search(before)):
        return "person"
    if c.kind != "acronym":
        # "its chairman, Dara Kaka Rash", "the envoy in Washington, Bayan Sami Abdul Rahman"; "X, who ..."
        ab = _APPOSITION_BEFORE.search(before)
        if ab and ab.group(1) in LOWER_TITLES and (_APPOSITION_CLOSES.match(after) or (
                len(c.toks) > 1 and _SENTENCE_CLOSES.match(after))):
            return "person"
        if _WHO_AFTER.match(after) and (len(c.toks) > 1 or not c.toks[0].endswith("s")) and \
                not _PREPOSITION_BEFORE.search(before):
            return "person"  # not "the Rickettses, who ...", "the chairman of Bear Stearns, who ..."
        if len(c.toks) > 1 and _COMMA_SAID.match(after) and not _after_place_word(text, c.start):
            return "person"  # "One of them, Nigel Ashcombe, said"
    if _ORG_NOUN_AFTER.match(after) and _THE_BEFORE.search(before):
        return "organisation"  # "the Mercosur bloc", "the Wagner group", "the NURW union"
    m = _APPOSITION.match(after)
    if m:
        for noun in m.group("phrase").split():
            if noun in LOWER_TITLES:
                return "person"
            if noun in _ORG_NOUNS:
                return "organisation"
    if c.kind == "acronym":
        return None
    if _SPEECH_ONLY.match(after) or _SAID_BEFORE.search(before):
        return "person"
    return None


def _singular(word: str) -> str:
    """'Greens' -> 'Green', 'Tories' -> 'Tory', 'Labour' -> 'Labour' (for the 'X Party' key and surnames)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _party_named(c: _Cand, orgs: list[_Cand]) -> _Cand | None:
    """The organisation whose name a party's head word opens: "Labour" of "the Labour Party", "the Christian
    Democrats" of "Christian Democratic Appeal", "the Greens" of "the Green Party" (nearest before, else after)."""
    *qualifiers, head = _key_tokens(c.toks)
    stem = _singular(head)
    forms = {(*qualifiers, stem), (*qualifiers, stem + "ic")}  # "Democrats" -> "Democrat", "Democratic"
    n = len(qualifiers) + 1
    return _nearest([o for o in orgs if len(o.toks) > n and tuple(_key_tokens(
        [t for t in o.toks if t not in _DETERMINERS])[:n]) in forms], c)


_POSSESSIVE_NOUN = re.compile(r"['’]s?\s+[a-z]")


def _possessive_noun(text: str, end: int) -> bool:
    """A possessive before a lower-case noun ("the Verdants' chairman")."""
    return bool(_POSSESSIVE_NOUN.match(text, end))


def _after_place_word(text: str, start: int) -> bool:
    m = _PREVIOUS_WORD.search(text, max(0, start - 20), start)
    return bool(m and m.group(1) in ("at", "in", "near", "outside", "inside", "into", "toward", "towards"))


def _agentive(text: str, c: _Cand) -> bool:
    before = text[max(0, c.start - 40):c.start]
    after = text[c.end:c.end + 60]
    return bool(_AGENT_AFTER.match(after) or _STATE_VERB.match(after) or _SAID_BEFORE.search(before) or
                text[c.end:c.end + 2] in ("'s", "’s"))


@dataclass
class _Ent:
    kind: str
    cands: list[_Cand]


def _core(toks: Sequence[str]) -> list[str]:
    """The name words: no initials, suffixes or lower-case particles ('Bill de Blasio' -> Bill, Blasio)."""
    return [t for t in _key_tokens(toks)
            if t not in _NAME_SUFFIXES and not (len(t) == 1 and t.isupper()) and t not in _PARTICLES]


def _person_key(toks: Sequence[str]) -> tuple[str, str]:
    """(first name, surname) without initials, suffixes and an al- prefix: 'Donald J. Trump' = 'Donald Trump'."""
    core = _core(toks)
    if not core:
        return ("", "")
    return (core[0], _strip_particle(core[-1])) if len(core) >= 2 else ("", _strip_particle(core[0]))


def _acronym_key(tok: str) -> str:
    return tok.replace(".", "")


class _Index:
    """The entities built so far, and the keys that find them."""

    def __init__(self) -> None:
        self.ents: list[_Ent] = []
        self.of: dict[int, int] = {}  # id(candidate) -> entity index
        self.people: dict[tuple[str, str], _Cand] = {}
        self.orgs: dict[str, _Cand] = {}
        self.surname: dict[str, list[_Cand]] = {}
        self.middle: dict[str, list[_Cand]] = {}
        self.tails: dict[tuple[str, ...], _Cand] = {}  # ("Abu", "Jassim") of "Kareem Abu Jassim"
        self.first: dict[str, list[_Cand]] = {}

    def attach(self, c: _Cand, target: _Cand | None, kind: str) -> None:
        if target is not None and id(target) in self.of:
            k = self.of[id(target)]
            self.ents[k].cands.append(c)
            self.of[id(c)] = k
            return
        self.ents.append(_Ent(kind, [c]))
        self.of[id(c)] = len(self.ents) - 1

    def person(self, c: _Cand) -> None:
        key = _person_key(c.toks)
        core = _core(c.toks)
        tail = tuple(_strip_particle(t) for t in core)
        self.attach(c, self.people.get(key) or self.tails.get(tail), "person")
        self.people.setdefault(key, c)
        for n in range(2, len(tail)):  # the last words of a longer name may name the person
            self.tails.setdefault(tail[-n:], c)
        if core:
            self.surname.setdefault(_strip_particle(core[-1]), []).append(c)
        if len(core) >= 2:
            self.first.setdefault(core[0], []).append(c)
            for t in core[1:-1]:
                if t not in _PARTICLES:
                    self.middle.setdefault(_strip_particle(t), []).append(c)

    def org(self, c: _Cand, *keys: str) -> None:
        key = keys[0] if keys else _org_key(c.toks)
        target = next((self.orgs[k] for k in (key, *keys) if k in self.orgs), None)
        self.attach(c, target, "organisation")
        for k in (key, *keys):
            self.orgs.setdefault(k, c)

    def person_named(self, token: str, c: _Cand, first_name: str | None = None) -> _Cand | None:
        """The full name a one-word mention refers to; ``first_name`` (of the gazetteer person the word is an
        alias of) keeps "Trump" from joining "Melania Trump" when it is Donald Trump's alias."""
        base = _strip_particle(token)
        found = (_nearest(self.surname.get(base, []), c) or _nearest(self.middle.get(base, []), c)
                 or _nearest(self.first.get(token, []), c))
        if found is not None and first_name is not None and _person_key(found.toks)[0] not in ("", first_name):
            named = [o for o in self.surname.get(base, []) if _person_key(o.toks)[0] == first_name]
            return _nearest(named, c)
        return found


def _merge(text: str, cands: list[_Cand], gaz: Sequence[Mention], lowered: set[str],
           kind_of: Callable[[str], str], blocked: Sequence[tuple[int, int]]) -> list[ActorEntity]:
    cands.sort(key=lambda c: (c.start, -c.end))
    for k, c in enumerate(cands):  # "the Cruz campaign", "the Obama administration": an organisation of its own
        if c.kind in ("person", "?", "weak") and (m := _CAMPAIGN.match(text, c.end)):
            cands[k] = _Cand(c.start, m.end(), [*c.toks, m.group(1)], "organisation", "campaign")
    # acronyms defined in the text: "Full Name (ACR)"
    defined: dict[int, str] = {}
    for c in cands:
        if c.kind in ("acronym", "thing") or len(c.toks) < 2 or (c.kind == "person" and len(c.toks) < 3):
            continue  # a person's name of three words or more may be an organisation's ("Christian Democratic
            # Appeal (CDA)", "Yacimientos de Litio Bolivianos (YLB)") when its initials follow
        m = _DEFINITION.match(text, c.end) if "(" in text[c.end:c.end + 2] else None
        if m and _ACRONYM.match(m.group(1)) and _acronym_matches(m.group(1), c.toks):
            c.kind = "organisation"
            defined[id(c)] = m.group(1)
        elif m and c.kind == "organisation" and c.reason == "head" and m.group(1).lower() not in lowered:
            defined[id(c)] = m.group(1)  # a short form in another language: "National Liberation Army (ELN)"
        elif c.kind == "organisation" and (m := _KNOWN_AS.match(text, c.end)):
            defined[id(c)] = m.group(1)  # "the State Hydraulic Works, the agency known as DSI"
    for c in cands:
        if c.kind in ("?", "person") and c.reason != "title" and (m := _FACILITY_AFTER.match(text, c.end)) and (
                len(c.toks) == 1 and c.toks[0].endswith(("ian", "ese", "ish", "ean"))
                if m.group(1) in _PLURAL_GROUPS else len(c.toks) >= 2):
            # a place noun makes a facility ("Don Mueang airport", "the Don Sahong project"); a group noun only
            # strips a demonym ("Cambodian forces"), not a leader's name ("Khalifa Haftar forces", "Riek Machar officials")
            c.kind = "thing"
    for c in cands:
        if c.kind == "?" and len(c.toks) >= 2:
            c.kind = _context_kind(text, c) or "?"
    # shape-only multi-token runs whose surname recurs alone are people
    singles = {_strip_particle(c.toks[0]) for c in cands if len(c.toks) == 1}
    for c in cands:
        if c.kind == "?" and len(c.toks) >= 2:
            key = _key_tokens(c.toks)
            if all(_is_name_token(w, lowered) for w in key) and _strip_particle(key[-1]) in singles:
                c.kind = "person"
    index = _Index()
    # names of states and of governments known by a place ("Erbil" for the Kurdistan Regional Government)
    states = {(m.start, m.end): m.actor for m in gaz
              if m.via != "demonym" and kind_of(m.actor) in ("state", "government")}
    for c in cands:
        if c.kind in ("?", "acronym") and kind_of(states.get((c.start, c.end), "")) == "state":
            c.kind = "place"  # a capital that is not in the list of places ("Muscat"), "U.S.", "UAE"
    # "Iran" in "Iran's foreign ministry" (a gazetteer body's alias): the state its name names elsewhere
    state_named = {text[a:b]: actor for (a, b), actor in states.items() if kind_of(actor) == "state"}
    gaz_first = {(m.start, m.end): m.name.split()[0] for m in gaz
                 if kind_of(m.actor) == "person" and " " in m.name and " " not in m.surface}
    _add_gazetteer_mentions(cands, gaz, kind_of, blocked)
    initials_of: dict[str, _Cand] = {}
    for c in cands:
        if c.kind == "person" and c.reason == "shape" and _after_place_word(text, c.start):
            c.kind = "?"  # "a presence at Ain al-Asad": a name's shape after "at" is a place unless the context says
    for c in cands:  # full forms first
        if c.kind == "person" and len(c.toks) >= 2:
            index.person(c)
        elif c.kind == "organisation" and (len(c.toks) >= 2 or c.reason != "single") and c.reason != "party":
            keys = [_org_key(c.toks)]
            if id(c) in defined:
                keys.append("acr:" + defined[id(c)])
            index.org(c, *keys)
            if len(c.toks) >= 2:
                initials_of.setdefault("".join(t[0] for t in c.toks if t[:1].isupper() and t not in _DETERMINERS), c)
    # the first word of an organisation's name, when it is a name ("Goldman" of "Goldman Sachs")
    first_words: dict[str, list[_Cand]] = {}
    for c in cands:
        if c.kind == "organisation" and len(c.toks) >= 2 and id(c) in index.of and _is_name_token(c.toks[0], lowered) \
                and c.toks[0].rstrip(".") not in _GENERIC_FIRST:
            first_words.setdefault(c.toks[0], []).append(c)
    party_orgs = [c for c in cands if c.kind == "organisation" and len(c.toks) >= 2 and id(c) in index.of]
    later: list[_Cand] = []  # acronyms not (yet) an organisation: an agentive use later may make them one
    for c in cands:
        if id(c) in index.of or c.kind == "thing":
            continue
        w = _key_tokens(c.toks)[0] if len(c.toks) == 1 else ""
        if c.kind == "acronym":
            if not _acronym(text, c, _acronym_key(c.toks[0]), index, initials_of):
                later.append(c)
        elif c.kind == "weak":
            person = index.person_named(w, c) if w else None
            if person is not None:
                index.attach(c, person, "person")
            elif _context_kind(text, c) == "organisation":
                # "Argentina and the Mercosur bloc", "Copa-Cogeca, the farmers' association,": its head noun says so
                index.org(c)
        elif c.kind == "place":
            person = index.person_named(w, c) if w else None
            if person is not None and len(person.toks) >= 2:
                index.attach(c, person, "person")
            elif (state := states.get((c.start, c.end)) or state_named.get(text[c.start:c.end]) or (
                    "name:" + text[c.start:c.end] if text[c.start:c.end] in _STATE_NAMES else "") or (
                    "name:" + CAPITALS[text[c.start:c.end]] if text[c.start:c.end] in CAPITALS else "") or (
                    "name:" + f.group(1) if (f := _FORMAL_STATE.fullmatch(text, c.start, c.end)) else "")) and \
                    _acts_as_state(text, c.start, c.end):
                # "Iran said", "Mexico will pay": the state acts; "Brussels" joins the European Union named before
                index.org(c, "state:" + state, *([_org_key(state[5:].split())] if state.startswith("name:") else []))
        elif c.kind == "headref":
            head = [o for o in cands if o.kind == "organisation" and len(o.toks) >= 2 and id(o) in index.of
                    and w.lower() in (o.toks[-1].rstrip(".").lower(), _head_word(o.toks)) and o.start < c.start]
            if head:
                index.attach(c, head[-1], "organisation")
        elif c.kind == "company":
            company = _org_key(c.toks)
            if company in index.orgs or _agentive(text, c):
                index.org(c, company)
        elif c.reason == "party" or (c.reason == "plural" and index.person_named(_singular(w), c) is None and
                                     _singular(w) not in GIVEN_NAMES and index.person_named(w, c) is None and
                                     _org_key(c.toks) not in index.orgs and not first_words.get(w) and
                                     (_AGENT_AFTER.match(text, c.end) or _possessive_noun(text, c.end))):
            # "the Verdants said", "the Verdants' chairman": a party; "the Pellows said" after "Joan Pellow" is a
            # family and "the Census" after "Census Bureau" that bureau (the single-word rules below)
            if (named := _party_named(c, party_orgs)) is not None:
                index.attach(c, named, "organisation")
            else:
                index.org(c)
        elif len(c.toks) == 1:
            target = index.person_named(w, c, gaz_first.get((c.start, c.end)))
            if target is not None:
                index.attach(c, target, "person")
            elif _org_key(c.toks) in index.orgs:
                index.org(c)
            elif "acr:" + w in index.orgs:  # a short form defined in the text ("known as Defra")
                index.org(c, "acr:" + w)
            elif (org := _nearest(first_words.get(w, []), c)) is not None and org.start < c.start:
                index.attach(c, org, "organisation")  # "Goldman" after "Goldman Sachs"
            else:
                ctx = "person" if c.kind == "person" else _context_kind(text, c)
                if ctx == "person" and (c.reason == "title" or c.toks[0].lower() not in lowered):
                    index.person(c)
                elif ctx == "organisation":
                    index.org(c)
        else:
            if _person_key(c.toks) in index.people or (c.reason == "head-surname" and _person_key(c.toks)[1] in
                                                       index.surname):  # the same name as a person found elsewhere
                index.person(c)
                continue
            ctx = c.kind if c.kind in ("person", "organisation") else _context_kind(text, c)
            if ctx == "person" and c.reason == "head-surname" and not _HONORIFIC_BEFORE.search(text, 0, c.start):
                continue
            if ctx == "person":
                index.person(c)
            elif ctx == "organisation":
                index.org(c)
    for c in later:  # "the M23 rebel group" before "The M23 accused": the same organisation
        if (target := index.orgs.get("acr:" + _acronym_key(c.toks[0]))) is not None:
            index.attach(c, target, "organisation")
    _definite_references(text, cands, index, blocked)
    _title_references(text, index, blocked)
    return _finish(text, index.ents, gaz, kind_of)


_DEFINITE = re.compile(r"\b[Tt]he\s+(office|ministry|committee|court|council|agency|department|commission|bank|"
                       r"association|organization|organisation|command|university|party|company|corporation|bureau|"
                       r"authority|board|institute|foundation|campaign)(?![\w-])(?!\s+(?:of|for)\b)")
_DEFINITE_WINDOW = 400  # characters back to the organisation a definite reference may mean


def _head_word(toks: Sequence[str]) -> str:
    """The head of an organisation's name, lower case: "ministry" of "Oil Ministry" and of "Ministry of Oil"
    (not "campaign" of "Campaign Legal Center")."""
    words = [t.rstrip(".").lower() for t in toks]
    k = next((i for i, w in enumerate(words) if w in ("of", "for", "on")), len(words))
    return words[k - 1] if k else words[-1]


def _definite_references(text: str, cands: list[_Cand], index: _Index, blocked: Sequence[tuple[int, int]]) -> None:
    """'the ministry' after 'the Oil Ministry': the nearest organisation with that head word just before.

    Only when that organisation was named within a few sentences, so a generic "the company" far
    from any company stays unlinked.
    """
    orgs = sorted((c for c in cands if id(c) in index.of and index.ents[index.of[id(c)]].kind == "organisation"),
                  key=lambda c: c.start)
    if not orgs:
        return
    for m in _DEFINITE.finditer(text):
        head = m.group(1)
        a, b = m.start(1), m.end(1)
        if _inside(blocked, a, b):
            continue
        near = [c for c in orgs if a - _DEFINITE_WINDOW <= c.end <= m.start()
                and _head_word(c.toks) == head]
        if near:
            ref = _Cand(a, b, [head], "organisation", "definite")
            cands.append(ref)
            index.attach(ref, near[-1], "organisation")


_TITLE_BEFORE = re.compile(r"((?:[A-Z][\w'’\-]*[ \u00a0]+){1,4})$")  # "Cabinet Secretary " before "Jane Mwangi"
_THE_TITLE = re.compile(r"\b[Tt]he[ \u00a0]+((?:[A-Z][\w'’\-]*[ \u00a0]+){0,3}[A-Z][\w'’\-]*)(?![\w'’\-.]|[ \u00a0]+[A-Z])")


def _title_references(text: str, index: _Index, blocked: Sequence[tuple[int, int]]) -> None:
    """'the Cabinet Secretary' after 'Cabinet Secretary Jane Mwangi': the person last introduced with that title
    (or its last words: "the Foreign Minister" after "Iraqi Foreign Minister Fuad Hussein").

    Only a capitalised title of two words or more, which alone otherwise makes a false person ("the Cabinet
    Secretary said"); one word ("the President") and lower-case descriptions ("the finance minister") are
    descriptions, not names (docs/actor-annotation.md), and stay unlinked.
    """
    intros: list[tuple[int, tuple[str, ...], _Cand]] = []  # (start, title words, the person's first mention)
    for ent in index.ents:
        if ent.kind != "person":
            continue
        for c in ent.cands:
            m = _TITLE_BEFORE.search(text, max(0, c.start - 60), c.start)
            if m is None or m.group(1).rstrip().endswith("."):  # not "Sen.", "Mr."
                continue
            words = m.group(1).split()
            while words and (words[0] in _DETERMINERS or (words[0] in COMMON and words[0] not in TITLES)):
                words = words[1:]
            if words and words[-1] in TITLES:
                intros.append((c.start, tuple(words), c))
    if not intros:
        return
    intros.sort(key=lambda t: t[0])
    for m in _THE_TITLE.finditer(text):
        a, b = m.start(1), m.end(1)
        said = tuple(m.group(1).split())
        if len(said) < 2 or _inside(blocked, a, b):
            continue  # "the President" alone is a description, and makes no false person either
        holder = next((c for start, title, c in reversed(intros) if start < a and title[-len(said):] == said), None)
        if holder is None:
            continue
        for ent in index.ents:  # the title's own candidate ("Cabinet Secretary" as a person) is this reference
            ent.cands = [c for c in ent.cands if not (c.start < b and a < c.end)]
        ref = _Cand(a, b, list(said), "person", "title-reference")
        index.attach(ref, holder, "person")


_ENTITY_KINDS = frozenset({"person", "organisation", "party", "militia", "faction", "government"})


def _add_gazetteer_mentions(cands: list[_Cand], gaz: Sequence[Mention], kind_of: Callable[[str], str],
                            blocked: Sequence[tuple[int, int]]) -> None:
    """Gazetteer people and bodies the rules above missed ("Trump" alone) become candidates, so that every
    person or organisation named has an entity (states only when they act, see "place")."""
    cands.sort(key=lambda c: (c.start, -c.end))
    starts = [c.start for c in cands]
    added: list[_Cand] = []
    covered: set[int] = set()
    for m in gaz:
        kind = kind_of(m.actor)
        if m.via == "demonym" or kind not in _ENTITY_KINDS or _inside(blocked, m.start, m.end):
            continue
        kind = "person" if kind == "person" else "organisation"
        k = bisect.bisect_right(starts, m.start)
        near = [c for c in cands[max(0, k - 2):k + 2] if c.start < m.end and m.start < c.end]
        if near and all(c.kind == "acronym" and c.end < m.end for c in near):
            covered.update(id(c) for c in near)  # "U.S." of "U.S. government": the body is what is named
            near = []
        for c in near:
            if c.kind == "?":  # a shape the rules left undecided: the gazetteer decides
                c.kind = kind
        if not near:
            added.append(_Cand(m.start, m.end, m.surface.split(), kind, "gazetteer"))
    cands[:] = [c for c in cands if id(c) not in covered]
    cands.extend(added)
    cands.sort(key=lambda c: (c.start, -c.end))


def _acronym(text: str, c: _Cand, acr: str, index: _Index, initials_of: dict[str, _Cand]) -> bool:
    """An all-capital token: a defined acronym, the initials of an organisation, a transcript speaker, an agent."""
    target = index.orgs.get("acr:" + acr) or initials_of.get(acr)
    if target is not None:
        index.attach(c, target, "organisation")
        return True
    if acr in _NOT_ACRONYMS_OR_KNOWN or acr in _TRANSCRIPT_STOP or len(acr) < 2:
        return True
    if _transcript_speaker(text, c):  # "PENCE: ..." is the Pence of the document
        person = index.person_named(acr.capitalize(), c)
        if person is not None:
            index.attach(c, person, "person")
        return True
    if acr in KNOWN_ACRONYMS or _agentive(text, c):
        index.org(c, "acr:" + acr)
        return True
    return False


def _transcript_speaker(text: str, c: _Cand) -> bool:
    line_start = text.rfind("\n", 0, c.start) + 1
    return not text[line_start:c.start].strip() and text[c.end:c.end + 1] == ":"


def _nearest(options: list[_Cand], c: _Cand) -> _Cand | None:
    """The latest full form before a mention, else the first one after it."""
    if not options:
        return None
    before = [o for o in options if o.start < c.start]
    if before:
        return max(before, key=lambda o: o.start)
    return min(options, key=lambda o: o.start)


def _finish(text: str, ents: list[_Ent], gaz: Sequence[Mention], kind_of: Callable[[str], str]) -> list[ActorEntity]:
    """Entities with non-overlapping spans; entities linked to one gazetteer actor become one."""
    taken: set[int] = set()
    gaz_sorted = sorted(gaz, key=lambda m: m.start)
    gaz_reach = list(itertools.accumulate((m.end for m in gaz_sorted), max))
    grouped: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    order: list[str] = []
    local = 0
    references: set[tuple[int, int]] = set()  # "the Cabinet Secretary": a mention, never the entity's name
    for e in ents:
        spans: list[tuple[int, int]] = []
        for c in sorted(e.cands, key=lambda c: c.start):
            if any(k in taken for k in range(c.start, c.end)):
                continue
            spans.append((c.start, c.end))
            taken.update(range(c.start, c.end))
            if c.reason == "title-reference":
                references.add((c.start, c.end))
        if not spans:
            continue
        gid = _gazetteer_link(text, spans, gaz_sorted, gaz_reach, e.kind, kind_of)
        key = f"gaz:{gid}" if gid is not None else f"local:{local}"
        local += 1
        if key in grouped:
            grouped[key][1].extend(spans)
        else:
            grouped[key] = (e.kind, spans)
            order.append(key)
    out: list[ActorEntity] = []
    used: dict[str, int] = {}
    for key in order:
        kind, spans = grouped[key]
        spans.sort()
        names = {" ".join(text[a:b].split()) for a, b in spans if (a, b) not in references} or \
            {" ".join(text[a:b].split()) for a, b in spans}
        # a capital standing for its state is not the state's name ("Kinshasa" ... "Congo")
        names = names - CAPITALS.keys() or {CAPITALS[n] for n in names}
        if kind == "organisation" and (short := {f.group(1) for n in names if (f := _FORMAL_STATE.fullmatch(n))}):
            names = {n for n in names if n not in short} or names  # "Democratic Republic of Congo" over "Congo"
        name = max(names, key=lambda n: (len(n), n))
        gid = key[4:] if key.startswith("gaz:") else None
        eid = gid if gid is not None else "ent:" + _slug(name)
        n = used.get(eid, 0)
        used[eid] = n + 1
        out.append(ActorEntity(id=eid if not n else f"{eid}-{n + 1}", name=name, kind=kind,
                               mentions=tuple(spans), gazetteer_id=gid))
    out.sort(key=lambda e: e.mentions[0])
    return out


def names_a_state(entity: ActorEntity) -> bool:
    """An organisation entity named by a state's name ("Mexico", "Plurinational State of Bolivia"; a capital
    acting, "Kinshasa", is named by its state): the state, for a scenario's ``kind: state``."""
    if entity.kind != "organisation" or entity.gazetteer_id is not None:
        return False
    formal = _FORMAL_STATE.fullmatch(entity.name)
    return entity.name in _STATE_NAMES or bool(formal and formal.group(1) in _STATE_NAMES)


def _gazetteer_link(text: str, spans: Sequence[tuple[int, int]], gaz: Sequence[Mention], reach: Sequence[int],
                    kind: str, kind_of: Callable[[str], str]) -> str | None:
    """The gazetteer actor a span names: an alias that covers the span or its last word, of a compatible kind
    (a person is linked to a person only: "Jim Jordan" is not the state of Jordan), and not a state after
    "of" ("Central Bank of Qatar"). ``gaz`` is sorted by
    start and ``reach[k]`` is the furthest end among ``gaz[:k + 1]``, so the search starts near the span."""
    for a, b in spans:
        for k in range(bisect.bisect_right(reach, a), len(gaz)):
            m = gaz[k]
            if m.start >= b:
                break
            covers = m.start <= a and m.end >= b
            if m.end <= a or m.via == "demonym" or not (covers or (m.end == b and kind != "person")):
                continue  # a person only by an alias covering the name: "Melania Trump" is not Donald Trump
            if not covers and kind_of(m.actor) == "state" and _OF_BEFORE.search(text, a, m.start):
                continue  # "Central Bank of Qatar", "Center for Human Rights in Iran" are not the state
            if (kind_of(m.actor) == "person") == (kind == "person"):
                return m.actor
    return None
