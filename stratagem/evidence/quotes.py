"""Attribution: who is reported to have said, written, thought or intended what.

News reports attribute content in a few recurring shapes, and this module reads them
by general rules (no models, no list of speakers):

* **quotation regions**: double quotes (straight, curly, ``«»``, ``„``), the typewriter
  ``''…''`` that many newspapers' archives use, and curly single quotes at word
  boundaries; per paragraph, an opening mark left open runs to the paragraph's end (the
  convention for a quotation that continues in the next paragraph);
* **cues**: the lexicon of :mod:`stratagem.evidence.cues` (speech, belief, intention,
  evaluation, findings of polls and reports, "according to"), counted only where the
  form is used as a verb (not after a determiner, not as a passive);
* **frames** around a cue: the subject before it ("Ortiz said ...", "the ministry's press
  secretary Lina Haddad said ...", "Omar Sayed, a graduate student, urged ..."),
  inverted after it ("..., said Haddad"; "..., the mayor said"), parenthetical
  ("The plan, he said, is dead"), post-posed ("The economy is strong, the governor said"),
  participial ("..., saying ..." continues the clause's subject), "according to X",
  a colon before a quotation or a quoted paragraph, and transcript lines ("PENCE: ...");
* **content**: a quotation next to the cue (several pieces around one frame are one
  quote with its parts), else the reported clause; a content is *direct* when at least
  80% of its characters lie inside quotation marks, else indirect or mixed;
* **quotations without a cue**: a quoted sentence or paragraph of four words or more is
  attributed to the speaker of the paragraph (or of the paragraph before it when the
  paragraph opens with the quotation or that paragraph ended with a colon), else to the
  person the paragraphs since the last quotation are about, else to the last one quoted;
  shorter quoted terms, and titles in quotation marks, are not quotes;
* **speakers**: the phrase as written: a named person in the subject phrase wins ("X's
  spokesman" is X's spokesman, but a gazetteer person inside it is the actor), a
  description stays a description ("the Republican nominee"), an organisation keeps the
  name the text gives it ("the White House", its gazetteer actor in ``speaker_actor``);
  a surname alone takes the full name given earlier in the document; "he"/"she" resolve
  to the last person, named or described, speaking or acting within three paragraphs;
  "they", "it", "we" and "I" stay unresolved; datelines and opening adverbials ("In a
  radio interview", "Several weeks ago") are never speakers.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from stratagem.evidence.actors import LOWER_TITLES, NOT_ACTOR_HEADS, ORG_HEADS, PLACES, TITLES
from stratagem.evidence.actors import _words as word_set
from stratagem.evidence.cues import AMBIGUOUS, DOCUMENT_NOUNS, MANNER, cue_table, finding_forms
from stratagem.evidence.gazetteer import Gazetteer, default_gazetteer
from stratagem.evidence.records import ActorEntity, Mention, Quote, Sentence

_ABBREV = r"(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Prof|St|Jr|Sr|Rev|Hon|Pres|Atty|Sec|Cmdr|Maj|Gens|Reps|Sens|Mt|No|Inc|Corp|Co|Ltd|vs|Vt|Fla|Calif|Mass|Penn|Pa|Wis|Ill|Ind|Ky|La|Mich|Minn|Mo|Nev|Okla|Ore|Tenn|Tex|Va|Wash|Ariz|Ark|Colo|Conn|Del|Ga|Kan|Md|Miss|Mont|Neb|Wyo)\."
_TOKEN = re.compile(
    rf"{_ABBREV}|(?:[A-Za-z]\.){{2,}}|\w+(?:[.'’\-&]\w+)*(?:['’]s?)?|''+|``|\S",
)
_WORD = re.compile(r"\w")
_PARTICLE_NAME = re.compile(r"^(?:al|el|ad|as|ash|an|at|az|bin|ibn|abu|abd|bint|ul|ol)-[A-Z]")

_SUBJECT_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "who"}
_PERSON_PRONOUNS = {"he", "she"}
#: Words after which a cue in -ing continues the clause's subject ("..., saying", "while also underscoring").
_PARTICIPLE_LEAD = {",", "while", "also", "by", "when", "after", "before", "without", "and", "—", "–", "in"}
_COORDINATORS = {",", "and", "but", "while", "whereas", ";"}
_SUBORDINATORS = {"when", "while", "as", "after", "before", "because", "since", "if", "where", "although", "though",
                  "until", "referring", "adding", "noting", "citing"}
#: Capitalised words that open a sentence but never a name ("While Ortiz", "But Haddad").
_NAME_RUN_STOP = {"mr.", "mrs.", "ms.", "dr.", "and", "but", "so", "yet", "or", "then", "also", "while", "when", "if",
                  "as", "after", "before", "because", "since", "though", "although", "in", "on", "at", "for", "from",
                  "with", "by", "to", "of", "the", "a", "an", "even", "now", "still", "meanwhile", "however",
                  "neither", "nor", "either", "both", "nobody", "everybody", "somebody", "anybody", "everyone", "someone",
                  "anyone", "none"}
#: Verbs that report speech only right before their content or a frame's end ("he continued: ...",
#: "“...,” she countered."); elsewhere they name actions.
_SPEECH_ONLY_BEFORE_CONTENT = {"continue", "begin", "point", "protest", "object", "charge", "question", "counter",
                               "send", "add", "press", *MANNER}
_PROGRESSIVE_AUX = {"is", "was", "were", "are", "been", "be", "am", "'s", "’s"}
_CATENATIVE = {
    "on", "went", "goes", "go", "continued", "continues", "wanted", "wants", "declined", "declines", "refused", "refuses",
    "decided", "began", "begins", "started", "tried", "tries", "appeared", "used", "proceeded", "chose", "had",
    "has", "have", "going", "seemed", "seems", "needs", "needed", "got", "would", "like",
    "prompted", "forced", "compelled", "moved", "rushed", "hastened",
}
_OBJECT_PRONOUNS = {"him", "them", "us", "me", "these", "those", "there", "here"}
_AUX_ADVERBS = {
    "has", "have", "had", "also", "later", "then", "will", "would", "could", "may", "might", "should", "can",
    "must", "shall", "previously", "repeatedly", "reportedly", "again", "once", "publicly", "privately",
    "recently", "often", "never", "not", "did", "does", "do", "even", "still", "just", "already", "first",
    "long", "n't", "’t", "always", "earlier", "now", "since", "ever", "last", "further", "too", "alone",
    "himself", "herself", "themselves", "itself", "separately", "initially", "originally", "in", "turn",
}
_CLAUSE_WORDS = {
    "that", "which", "who", "whom", "whose", "when", "while", "as", "because", "since", "if", "but", "or",
    "so", "after", "before", "although", "though", "where", "why", "how", "than", "until", "unless",
    "whether", "what", "whereas", "yet", "nor", "once", "whenever", "wherever", "lest", "then", "there",
}
_STOP_PREPS = {
    "in", "on", "during", "into", "over", "under", "through", "about", "across", "against", "among", "around",
    "by", "like", "near", "onto", "toward", "towards", "upon", "within", "without", "per", "via", "despite",
    "to", "amid", "between", "beyond", "following", "throughout", "unlike", "with", "after", "before",
}
_NP_PREPS = {"of", "for", "at", "from"}
_VERBISH = {
    "is", "was", "were", "are", "be", "been", "being", "am", "has", "have", "had", "do", "does", "did", "will",
    "would", "could", "should", "can", "may", "might", "must", "got", "gets", "get", "went", "goes", "made",
    "makes", "took", "takes", "gave", "gives", "came", "comes", "became", "put", "let", "seems", "seemed",
}
_DETERMINERS = {
    "the", "a", "an", "his", "her", "its", "their", "our", "my", "your", "this", "these", "those", "no", "any",
    "every", "each", "such", "whose", "some", "own", "another", "other", "same", "first", "new",
}
# capitalised words that modify a title ("Former state treasurer X"): the ambiguous word after them is a noun
_TITLE_MODIFIERS = {"former", "deputy", "vice", "acting", "assistant", "then", "interim"}
_TEMPORAL = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "night", "morning",
    "afternoon", "evening", "today", "yesterday", "tonight", "week", "weeks", "month", "months", "year",
    "years", "day", "days", "ago", "weekend", "earlier", "later", "recently", "now", "hours", "hour",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "minutes", "time", "times", "date", "season",
}
_TITLE_WORDS = {
    "president", "secretary", "senator", "sen.", "rep.", "representative", "gov.", "governor", "mayor",
    "minister", "spokesman", "spokeswoman", "spokesperson", "chairman", "chairwoman", "chair", "director",
    "leader", "speaker", "general", "gen.", "commander", "ambassador", "adviser", "advisor", "aide", "judge",
    "justice", "prime", "vice", "deputy", "chief", "press", "former", "mr.", "mrs.", "ms.", "dr.", "prof.",
    "professor", "attorney", "candidate", "nominee", "strategist", "analyst", "pollster", "official",
    "manager", "founder", "ceo", "executive", "head", "sheriff", "councilman", "councilwoman", "congressman",
    "congresswoman", "lawmaker", "economist", "host", "anchor", "columnist", "reporter", "author", "writer",
    "lt.", "col.", "sgt.", "capt.", "adm.", "rev.", "king", "queen", "prince", "sheikh", "ayatollah", "cleric",
}
_FUNCTION = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from", "&"}
_PARTICIPLE_CUES = {
    "saying", "adding", "noting", "arguing", "claiming", "calling", "writing", "telling", "warning", "insisting",
    "explaining", "urging", "asking", "declaring", "stressing", "suggesting", "citing", "accusing", "blaming",
    "vowing", "pledging", "promising", "predicting", "acknowledging", "admitting", "describing", "praising",
    "criticizing", "denying", "demanding", "threatening", "questioning", "emphasizing", "pointing",
    "recalling", "referring", "complaining", "boasting", "announcing", "asserting",
}
#: Verbs of "As Ortiz noted, ...": the main clause after the comma is the content.
_AS_NOTED = {"say", "note", "observe", "write", "explain", "report", "point", "argue", "suggest", "predict", "warn",
             "remark", "mention", "state", "recall", "put it", "tell", "claim", "add", "acknowledge", "admit"}
#: Verb + particle pairs that report speech right after a quotation ("shot back", "went on").
_PHRASAL_SPEECH = {"shot": "back", "shoots": "back", "fired": "back", "fires": "back", "hit": "back", "hits": "back",
                   "went": "on", "goes": "on"}
_TELL_VERBS = {"tell", "ask", "inform", "assure", "reassure", "remind", "warn", "urge", "advise", "caution"}
#: A transcript line's label in capitals ("PENCE: ..."), also inside the quotation mark that opens a quoted
#: transcript's paragraph ('"WALLACE: ...', each paragraph opening with a mark, as multi-paragraph quotations do).
_TRANSCRIPT = re.compile(r"(?:[\"“]|'')?([A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,3}):\s+(?=\S)")
#: An auxiliary with its negation or a pronoun's auxiliary ("didn't", "won’t", "I’d"): not part of a subject.
_CONTRACTED_AUX = re.compile(r"(?:do|does|did|is|was|are|were|has|have|had|could|would|should|ca|wo|must)n['’]t")
#: The lines of an interview printed as questions and answers ("Q: ...", "A: ...").
_QA_LINE = re.compile(r"(Q|A|Question|Answer):\s+(?=\S)")
#: A person's full name, maybe after an outlet's possessive and a role ("the Gazette's reporter Jim Dolan").
_INTERVIEW_NP = r"\b(?:(?:[Tt]he )?[A-Z][\w.]*['’]s )?(?:[a-z]+ )?[A-Z][a-z]+(?: [A-Z][a-z'’-]+)+"
#: The sentence of an introduction that says who asked whom ("She spoke to the Gazette's Jim Dolan about ...",
#: "X sat down with Y", "X interviewed Y", "Y was interviewed by X", "X put the questions").
_INTERVIEWER = re.compile(
    rf"(?P<a>{_INTERVIEW_NP}|\b[Hh]e|\b[Ss]he)\s+(?:(?P<talk>(?:spoke|talked)\s+(?:to|with)|sat\s+down\s+with)|"
    rf"(?P<by>was\s+interviewed\s+by)|(?P<did>interviewed)|(?P<put>put\s+the\s+questions))"
    rf"(?:\s+(?P<b>{_INTERVIEW_NP}))?(?P<after>\s+\w+)?")
#: Capitalised line labels that name no speaker ("EDITOR'S NOTE:", "UPDATE:", "WATCH:").
_NOT_LABELS = {"", "S", "NOTE", "EDITOR", "EDITORS", "UPDATE", "UPDATED", "CORRECTION", "CLARIFICATION", "SOURCE",
               "SOURCES", "BACKGROUND", "TRANSCRIPT", "BEGIN", "END", "VIDEO", "CLIP", "WATCH", "READ", "RELATED",
               "BREAKING", "PHOTO", "PHOTOS", "ALSO", "MORE", "QUESTION", "ANSWER", "APPLAUSE", "LAUGHTER",
               "CROSSTALK", "CHANTING", "SEE", "LISTEN", "NEWS", "ALERT", "EXCLUSIVE", "OPINION", "ANALYSIS",
               "BYLINE", "BY"}
_MIN_CUELESS_WORDS = 4
#: First words of a topic line heading a quotation in a list ("On the Federal Reserve:", "About his rival:")
_TOPIC_LEADS = {"on", "about", "regarding", "asked", "when", "and", "of"}
_PRESS_NOUNS = {"secretary", "secretaries", "release", "releases", "conference", "conferences", "corps", "office",
                "aide", "aides", "officer", "briefing", "briefings", "pass", "room", "gallery", "call", "freedom"}
#: A signature line under a quotation: "- Ray Hollis." or "— Lina Haddad, at a rally in Dayton".
_SIGNATURE = re.compile(r"\s*([-—–―]\s*)?([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4})\s*"
                        r"(?:\(@\w{1,30}\)[^\n]*|[,.][^\n]*)?[\"”]?\s*$")  # "— Lina Haddad (@lhaddad) May 2, 2021"
#: Definite descriptions resolved to an earlier actor: "the group said", "the statement said".
_DOCUMENT_HEADS = {"statement", "report", "letter", "message", "communique", "communiqué", "post", "announcement"}
_DEFINITE = re.compile(
    r"the (group|movement|militia|organi[sz]ation|party|faction|ministry|agency|government|administration|"
    r"campaign|company|committee|council|court|alliance|coalition|bloc|" + "|".join(sorted(_DOCUMENT_HEADS)) + ")")
#: Heads of subjects that speak for no person but carry words a text quotes ("The ad closes with a question:
#: “...”", "The letter, signed by 40 economists, is blunt. “...”"): PolNeAR's gold names them as the source.
#: Not a crowd: "The crowd cheered. “...”" are the words of whoever the crowd cheered.
_VOICE_HEADS = DOCUMENT_NOUNS | _DOCUMENT_HEADS | {
    "spot", "sign", "signs", "banner", "banners", "placard", "placards", "slogan", "caption", "headline", "narrator",
    "footnote", "flyer", "mailer", "billboard", "petition", "resolution", "platform",
    "plaque", "inscription", "notice", "commercial", "voiceover", "script", "pamphlet", "brochure", "leaflet"}
_ORGANISATION_KINDS = {"militia", "organisation", "party", "faction", "government"}
#: A dateline opening a paragraph: "BAGHDAD —", "WASHINGTON (Reuters) -", "BAGHDAD, Feb 20, 2024 (Wire) -".
_DATELINE = re.compile(r"[A-Z][A-Z .'’-]{2,}(?:,\s*[A-Z][A-Za-z.]*(?:\s+\d{1,2})?(?:,\s*\d{4})?)?\s*(?:\([^)]{1,40}\)\s*)?[-—–―]+\s+")
#: A headline in capitals opening a paragraph before its first sentence ("A LETTER GOES VIRAL Ada Ferrow wrote").
_CAPS_HEAD = re.compile(r"(?:[A-Z][A-Z0-9'’.!?-]*\s+){3,}(?=[A-Z][a-z])")
#: Footnotes and bibliography entries ("[3] ...", "12. ..."): their quoted titles are not quotations.
_REFERENCE_LINE = re.compile(r"\s*(?:\[\d+\]|\d{1,3}\.\s|\(\d+\)\s|\^)")
#: After a quoted title: ", Publisher" or ". Publisher, date" (a citation).
_CITATION_AFTER = re.compile(r"\s*[,.]\s*(?:The\s+)?[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*)*\s*,\s*(?:\d|[A-Z][a-z]+\.?\s+\d)")
#: Heads of a description that cannot be one person ("the group", "the statement", "the plan"): organisations,
#: documents, things; any other singular common noun heading a description may be someone ("the principal").
_THING_HEADS = frozenset(
    {w.lower() for w in ORG_HEADS | NOT_ACTOR_HEADS} | DOCUMENT_NOUNS | _TEMPORAL | {
        "group", "movement", "militia", "organization", "organisation", "party", "faction", "ministry", "agency",
        "government", "administration", "campaign", "company", "firm", "committee", "council", "court", "alliance",
        "coalition", "bloc", "body", "outlet", "newspaper", "paper", "channel", "network", "state", "country",
        "nation", "city", "town", "county", "team", "crowd", "audience", "board", "panel", "jury", "family",
        "couple", "pair", "duo", "trio", "side", "camp", "staff", "crew", "union", "website", "site", "account",
        "page", "clip", "footage", "sign", "banner", "ad", "advert", "advertisement", "speech", "book", "bill"})


#: Nouns for people by their ending, as kin and roles ("pianist", "chairman", "harbourmaster", "wife"): -ist and
#: -ian need a stem of three letters ("list" is no person); -er, -or, -ant, -ent, -ee, -al and -ess name things
#: as often as people ("danger", "corridor", "payment", "proposal", "business"), so those people are listed.
_PERSON_HEAD = re.compile(r"(?:(?<=[a-z]{3})(?:ist|ian)|man|woman|person|master|keeper)$|^(?:wife|husband|son|"
                          r"daughter|aunt|uncle|friend|widow|nurse|cousin|niece|nephew|colleague|neighbou?r|chief|"
                          r"boss|guy|kid|child)$")
#: People named by a word the title lists or an ending do not catch ("the principal", "a detainee", "the farmer").
_PERSON_ROLES = word_set("""principal individual criminal veteran victim suspect witness patient parent citizen
    soldier pilot survivor refugee migrant immigrant tenant client customer employee retiree trainee appointee
    attendee detainee defendant plaintiff participant applicant assistant accountant merchant servant resident
    student opponent agent waitress actress hostess heiress referee contestant informant farmer rancher worker
    driver miner trader dealer buyer seller player coach protester demonstrator mourner spectator passenger
    traveller traveler visitor viewer reader caller lender borrower landlord employer grower builder plumber
    carpenter baker butcher broker sponsor operator investigator defender attacker shooter bomber kidnapper
    smuggler thief robber killer murderer trooper sailor skipper dancer painter designer architect developer
    ruler critic ally teenager stranger""")
_PERSON_NOUNS = frozenset({w.lower() for w in TITLES} | LOWER_TITLES)


def _person_description(phrase: str, *, speaking: bool = False) -> bool:
    """Whether a description can be one person, the "he" or "she" of a later sentence: "the former secretary of
    state", "a spokeswoman", "The 61-year-old rancher", "Ortiz's deputy": a determiner or possessor, then a
    singular common noun that names no organisation, document or thing. As the subject of a cue of speech
    (``speaking``) any such noun may be a person; as the subject of any other clause the noun must look like
    one (a title or role, or a person's ending: "the principal", not "the room")."""
    words = phrase.split()
    if len(words) < 2 or not (words[0].lower() in {"the", "a", "an", "his", "her", "their", "our"}
                              or re.search(r"\w['’]s$", words[0])):
        return False
    cut = next((n for n, w in enumerate(words) if n >= 2 and w.lower() in {"of", "for", "at", "from", "with", "in"}),
               len(words))
    head = words[cut - 1].strip(",.;:")
    low = head.lower()
    if not (head.islower() and head.isalpha()) or low in _THING_HEADS or low.endswith(("ed", "ing", "ly")) or (
            low.endswith("s") and not low.endswith(("ss", "us", "is"))) or low in _DETERMINERS | _AUX_ADVERBS:
        return False
    return speaking or low in _PERSON_NOUNS | _PERSON_ROLES or _PERSON_HEAD.search(low) is not None


_NAMING_LEMMAS = {"call", "describe", "characterize", "characterise", "label", "brand", "dub", "dismiss"}
_MAX_SUBJECT_TOKENS = 14
#: How many paragraphs back a "he"/"she", or a quotation with no frame, may reach for the last person named.
_PERSON_REACH = 3


@dataclass(frozen=True)
class _Span:
    start: int
    end: int  # exclusive, including the closing mark


@dataclass(frozen=True)
class QuoteRegion:
    """A quoted stretch of one paragraph: the marks' span and the span of the words inside."""

    start: int  # the opening mark
    end: int  # after the closing mark (the paragraph's end when left open)
    inner_start: int
    inner_end: int
    closed: bool


@dataclass
class _Tok:
    text: str
    start: int
    end: int
    region: QuoteRegion | None = None

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_quote(self) -> bool:
        return self.region is not None

    @property
    def is_word(self) -> bool:
        return self.region is None and _WORD.match(self.text) is not None

    @property
    def capitalised(self) -> bool:
        """A capitalised word, or a name with an Arabic particle ("al-Ameri", "bin-Salman")."""
        return self.is_word and (self.text[0].isupper() or _PARTICLE_NAME.match(self.text) is not None)


@dataclass
class _Speaker:
    name: str | None
    actor: str | None
    pronoun: str | None = None
    person: bool = False
    start: int = -1
    end: int = -1


@dataclass
class _Attribution:
    speaker: _Speaker | None
    parts: list[tuple[int, int]]  # content spans (char offsets)
    cue: str
    regions: list[QuoteRegion] = field(default_factory=list)
    outer: bool = False  # a post-posed or inverted frame ("..., Ortiz said"): it owns the quotation before it
    via: _Speaker | None = None  # the source that reports this attribution ("..., according to the Courier")
    verbatim: bool = False  # a transcript line ("PENCE: ..."): the speaker's own words, marks or not


_OPEN_DOUBLE = "“«„"
_CLOSE_DOUBLE = "”»"


def quote_regions(text: str, start: int = 0, end: int | None = None) -> list[QuoteRegion]:
    """Quoted regions of ``text[start:end]``, scanned paragraph by paragraph (see the module docstring)."""
    end = len(text) if end is None else end
    out: list[QuoteRegion] = []
    for para in re.finditer(r"[^\n]+", text[start:end]):
        out.extend(_paragraph_regions(text, start + para.start(), start + para.end()))
    return out


def _paragraph_regions(text: str, a: int, b: int) -> list[QuoteRegion]:
    out: list[QuoteRegion] = []
    open_at = -1
    open_len = 0
    kind = ""
    i = a
    while i < b:
        ch = text[i]
        mark = ""
        if ch in "'’" and i + 1 < b and text[i + 1] in "'’" and (ch == "'" or text[i + 1] == "'"):
            j = i
            while j < b and text[j] in "'’":
                j += 1
            mark, mkind = text[i:j], "typewriter"
        elif ch == "`" and i + 1 < b and text[i + 1] == "`":
            mark, mkind = "``", "typewriter"
        elif ch in _OPEN_DOUBLE or ch in _CLOSE_DOUBLE or ch == '"':
            mark, mkind = ch, "double"
        elif (ch == "‘" and (i == a or not text[i - 1].isalnum()) and kind == "") or (ch == "’" and kind == "single" and (i + 1 >= b or not text[i + 1].isalnum())):
            mark, mkind = ch, "single"
        if not mark:
            i += 1
            continue
        if kind == "":
            if ch in _CLOSE_DOUBLE and not ((i == a or text[i - 1].isspace()) and i + 1 < b and text[i + 1].isalnum()):
                i += len(mark)  # a stray closing mark opens nothing, unless it opens a word ('”Third winter running!” Ada replied')
                continue
            open_at, open_len, kind = i, len(mark), mkind
        elif mkind == kind or (kind == "double" and mkind == "typewriter") or (kind == "typewriter" and mkind == "double"):
            if kind == "double" and ch in _OPEN_DOUBLE and text[open_at] in _OPEN_DOUBLE and i > a \
                    and text[i - 1] in ",.?!" and (i + 1 >= b or text[i + 1] == " "):
                # '“The kiln ran cold,“ said Abel': an opening mark after the closing punctuation closes
                out.append(_region(text, open_at, open_len, i, i + len(mark), closed=True))
                kind = ""
            elif kind == "double" and ch in _OPEN_DOUBLE and text[open_at] in _OPEN_DOUBLE:
                # a second opening mark: the first quotation was left open; start again here
                out.append(_region(text, open_at, open_len, i, i, closed=False))
                open_at, open_len = i, len(mark)
            else:
                out.append(_region(text, open_at, open_len, i, i + len(mark), closed=True))
                kind = ""
        i += len(mark)
    if kind:
        out.append(_region(text, open_at, open_len, b, b, closed=False))
    return [r for r in out if r.inner_end > r.inner_start]


def _region(text: str, open_at: int, open_len: int, close_at: int, end: int, *, closed: bool) -> QuoteRegion:
    inner_start, inner_end = open_at + open_len, close_at
    while inner_start < inner_end and text[inner_start].isspace():
        inner_start += 1
    while inner_end > inner_start and text[inner_end - 1].isspace():
        inner_end -= 1
    return QuoteRegion(open_at, end, inner_start, inner_end, closed)


def quote_spans(text: str) -> list[_Span]:
    """Spans of the quoted regions of a text, marks included."""
    return [_Span(r.start, r.end) for r in quote_regions(text)]


def _tokenise(text: str, a: int, b: int, regions: Sequence[QuoteRegion]) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = a
    for r in [*(r for r in regions if not _comma_title(r, text)), None]:
        stop = r.start if r is not None else b
        for m in _TOKEN.finditer(text, pos, stop):
            # the horizontal bar some sites sign quotations with ("”― Ana Ruiz") is read as an em dash
            toks.append(_Tok("—" if m.group(0) == "―" else m.group(0), m.start(), m.end()))
        if r is not None:
            toks.append(_Tok(text[r.start:r.end], r.start, r.end, r))
            pos = r.end
    return toks


def _words(region: QuoteRegion, text: str) -> list[str]:
    return re.findall(r"\w+", text[region.inner_start:region.inner_end])


#: What precedes a title in a sentence: a preposition or a possessive ("broadcast of", "on MSNBC's"), not a
#: contraction ("it's", "that's").
_TITLE_LEAD = re.compile(r"(?:\b(?:of|on|in|at|from|for|to)|\b(?!(?:it|that|what|there|here|who|he|she)['’]s)\w+['’]s)\s*$")


def _frame_closes(text: str, end: int) -> bool:
    """Whether the words after a quotation up to the sentence's end are a frame that ends it: a speech cue
    within six words, not a gerund ("adding, ..."), followed by nothing, a comma or an adjunct ('“...,” the
    mayor said.', '... she said on Tuesday.', '... said Ortiz in a statement.'); not a frame with its own
    content ('... Molina said the talks would resume.'), which makes the quotation a title in its lead."""
    stop = re.compile(r"[.!?\n]").search(text, end)
    rest = text[end:stop.start() if stop else len(text)]
    words = list(re.finditer(r"[\w'’-]+", rest))
    table = cue_table()
    for k, w in enumerate(words[:6]):
        form = w.group(0).lower()
        if form in table and table[form][1] == "speech" and not form.endswith("ing"):
            after = rest[w.end():].strip()
            first = re.match(r"[\w'’-]+", after)
            return not after or after.startswith(",") or (first is not None and (
                first.group(0).lower() in _STOP_PREPS | _NP_PREPS | _TEMPORAL or (k == 0 and first.group(0)[0].isupper())))
    return False


def _comma_title(region: QuoteRegion, text: str) -> bool:
    """A title whose closing mark holds the sentence's comma, after a preposition or a possessive ('On
    Sunday's broadcast of “City Hour,” Molina said the talks would resume', 'Graham said on MSNBC's
    “Morning Joe,” adding ...'): words of the sentence, not a quotation before a frame. A frame that closes
    the sentence right after it keeps it a quotation ('Voters are tired of “Politics As Usual,” the mayor
    said.'); so does no such lead ('“Never,” she said')."""
    inner = text[region.inner_start:region.inner_end].rstrip()
    if not inner.endswith(",") or _TITLE_LEAD.search(text[max(0, region.start - 40):region.start]) is None:
        return False
    words = [w for w in re.findall(r"[\w'’-]+", inner) if w.lower() not in _FUNCTION]
    return 0 < len(words) <= 7 and all(w[0].isupper() or w[0].isdigit() for w in words) \
        and not _frame_closes(text, region.end)


def _is_title(region: QuoteRegion, text: str) -> bool:
    """A quoted title or name ("Meet the Press", "Make America Great Again"), not a quotation."""
    inner = text[region.inner_start:region.inner_end]
    words = re.findall(r"[\w'’-]+", inner)
    if not words or len(words) > 7 or re.search(r"[.!?,;:]\s*$", inner):
        return False
    content = [w for w in words if w.lower() not in _FUNCTION]
    return bool(content) and all(w[0].isupper() or w[0].isdigit() for w in content)


def _sentences(toks: list[_Tok], text: str) -> list[tuple[int, int]]:
    """Token index ranges of the sentences of a paragraph (quotations are never split)."""
    cues = cue_table()
    out: list[tuple[int, int]] = []
    begin = 0
    for i, t in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is None:
            break
        boundary = False
        if t.text in {".", "?", "!", "…"}:
            boundary = nxt.capitalised or nxt.is_quote or nxt.text[:1].isdigit() or nxt.text in {"(", "["}
            if boundary and t.text == "." and i > 0 and len(toks[i - 1].text) == 1 and toks[i - 1].text.isupper() \
                    and nxt.capitalised and toks[i - 1].end == t.start:
                boundary = False  # a middle initial ("Nadia K. Farrow"), not a sentence end
        elif t.is_quote and t.region is not None and re.search(r"[.?!…]$", text[t.region.inner_start:t.region.inner_end]):
            if text[t.region.inner_end - 1] in ".…" and (nxt.capitalised or nxt.is_quote):
                # a quotation ending with a full stop ends its sentence, unless a short frame follows
                # ('"... over." Haddad said.')
                stop = next((m for m in range(i + 1, min(len(toks), i + 8)) if toks[m].text in {".", "!", "?"}
                             or toks[m].is_quote), None)
                short_frame = stop is not None and toks[stop].text == "." and (
                    stop + 1 >= len(toks) or toks[stop + 1].capitalised or toks[stop + 1].is_quote) and any(
                    toks[m].lower in cues for m in range(i + 1, stop))
                boundary = not short_frame
            elif nxt.capitalised or nxt.is_quote:
                window = toks[i + 1 : i + 6]
                frame = False
                for n, w in enumerate(window):
                    if w.text in {".", ",", ";", ":", "?", "!"} or w.is_quote:
                        break
                    if w.lower in cues or (w.lower in _PHRASAL_SPEECH and n + 1 < len(window)
                                           and window[n + 1].lower == _PHRASAL_SPEECH[w.lower]):
                        frame = True  # '“...?” Ortiz went on', '“...!” Haddad shot back'
                        break
                boundary = not frame
        if boundary:
            out.append((begin, i + 1))
            begin = i + 1
    out.append((begin, len(toks)))
    return [(x, y) for x, y in out if y > x]


class _Reader:
    """Attribution state over one document: the names seen and the last speakers."""

    def __init__(self, text: str, mentions: Sequence[Mention], gazetteer: Gazetteer) -> None:
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.mention_starts = [m.start for m in self.mentions]
        self.gaz = gazetteer
        self.cues = cue_table()
        self.findings = finding_forms()
        self.full_names: dict[str, tuple[str, str | None]] = {}  # surname -> (full name, actor)
        self.last_person: _Speaker | None = None
        self.last_actor: _Speaker | None = None  # the last organisation or state that spoke
        self.last_actor_at = -10_000
        self.last_person_paragraph = -10
        self.last_person_acts = True  # whether the last person noted is a clause's subject

    # --- noun phrases -----------------------------------------------------------------------
    def _mentions_in(self, a: int, b: int) -> list[Mention]:
        lo = bisect.bisect_left(self.mention_starts, a)
        hi = bisect.bisect_left(self.mention_starts, b)
        return [m for m in self.mentions[lo:hi] if m.end <= b]

    def speaker(self, toks: list[_Tok], lo: int, hi: int) -> _Speaker | None:
        """The speaker named by tokens ``toks[lo:hi]`` (a subject phrase)."""
        words = toks[lo:hi]
        if not words:
            return None
        if len(words) == 1 and words[0].lower in _SUBJECT_PRONOUNS:
            return _Speaker(None, None, pronoun=words[0].lower, start=words[0].start, end=words[0].end)
        while words and words[0].lower in {"and", "but", "so", "yet", "or", "then", "also"}:
            words = words[1:]
        if len(words) == 1 and words[0].lower in {"nobody", "none"}:
            return None  # "Nobody mentioned the budget": no one to quote
        if len(words) == 1 and words[0].lower in {"another", "others"}:
            # '"...," tweeted another': one more of the people just quoted
            return _Speaker(words[0].text, None, start=words[0].start, end=words[0].end)
        if not words or not _plausible_subject(words):
            return None
        a, b = words[0].start, words[-1].end
        surface = self.text[a:b].strip(" ,")
        if not _WORD.search(surface):
            return None
        if a > 0 and self.text[a - 1] == "@" and len(words) == 1:
            return _Speaker("@" + surface, None, start=a - 1, end=b)  # a social-media account, not a person's name
        definite = _DEFINITE.fullmatch(surface.lower())
        if definite:
            kind = "def-doc" if definite.group(1) in _DOCUMENT_HEADS else "def-org"
            return _Speaker(surface, None, pronoun=kind, start=a, end=b)
        inside = self._mentions_in(a, b)
        heads: list[Mention] = []
        for m in inside:
            before = self.text[a:m.start]
            if re.search(r"\b(?:of|to|with|for|from|by|against|on|in|at)\s+(?:the\s+)?$", before):
                continue  # a complement ("a spokesman for the group"), not the head
            heads.append(m)
        heads = [m for m in heads if not (re.match(r"['’]s\b", self.text[m.end:b])
                                          and any(o.start > m.end for o in inside))]  # "Iraq's Nujaba"
        persons = [m for m in heads if self.gaz.kind_of(m.actor) == "person"]
        prep = next((k for k, w in enumerate(words) if k >= 2 and w.lower in {"of", "from", "at", "with"}), None)
        name_run = self._name_run(words[:prep]) if prep is not None else None
        if name_run is not None and len(name_run.split()) >= 2 and not persons:
            # "Ray Hollis of the Northfield Institute of Public Policy": the name before the complement
            words = words[:prep]
            b = words[-1].end
            surface = self.text[a:b].strip(" ,")
            inside = [m for m in inside if m.end <= b]
            heads = [m for m in heads if m.end <= b]
        else:
            name_run = self._name_run(words)
        if persons:
            m = persons[-1]
            return _Speaker(m.name, m.actor, person=True, start=a, end=b)
        if heads and (name_run is None or name_run in self.text[heads[0].start:heads[0].end]
                      or self.text[heads[0].start:heads[0].end] in name_run):
            m = heads[0]
            # an organisation or state speaks under the name the text gives it ("the White House", "the Kremlin"),
            # its gazetteer actor kept apart ("U.S. administration", "Russia"): the phrase as written is what
            # a reader checks and what PolNeAR's gold marks as the source
            return _Speaker(surface, m.actor, start=a, end=b)  # "Iran's Foreign Ministry spokesman": Iran's
        if name_run is not None:
            name = name_run
            person = True
            key = name.split()[-1].lower()
            if len(name.split()) >= 2:
                self.full_names[key] = (name, None)
            elif key in self.full_names:
                name = self.full_names[key][0]
            lead_words = [w for w in words if w.is_word and w.text not in name.split()]
            display = surface if lead_words and len(words) <= 9 else name
            return _Speaker(display, None, person=person, start=a, end=b)
        return _Speaker(surface, None, start=a, end=b)

    def _name_run(self, words: list[_Tok]) -> str | None:
        """The person's name ending a subject phrase ("press secretary Lina Haddad" -> "Lina Haddad")."""
        run: list[str] = []
        for w in reversed(words):
            if (w.capitalised and w.lower.rstrip(".") not in {"the", "a", "an"}) or w.text in {"-", "’s", "'s"} or (w.lower in {"al", "bin", "de", "van", "von", "la", "del"} and run):
                run.append(w.text)
            else:
                break
        run.reverse()
        title_at = max((n for n, w in enumerate(run[:-1]) if w.lower() in _TITLE_WORDS), default=-1)
        run = run[title_at + 1:]  # "Harbour Trust President Lina Haddad": the name after the last title word
        while run and (run[0].lower() in _TITLE_WORDS | _NAME_RUN_STOP or (
                len(run) > 1 and re.fullmatch(r"[A-Z][a-z]+ed|Said|Wrote|Told", run[0]) is not None
                and self.cues.get(run[0].lower(), ("", ""))[1] == "speech")):
            run.pop(0)  # "Stated Ortiz:", "Added Haddad": a verb before an inverted subject is not a name
        if not run or len(run) > 4:
            return None
        last = words[-1]
        if not last.capitalised or re.search(r"['’]s$", last.text):
            return None
        head_org = re.search(
            r"\b(?:Party|Committee|Department|Ministry|Office|House|Senate|Congress|Council|Court|Agency|"
            r"Campaign|Association|Organization|Organisation|Union|Institute|Center|Centre|Foundation|Group|"
            r"Post|Times|News|Journal|Network|Inc\.?|Corp\.?|Administration|Bureau|Commission|Service|"
            r"Forces|Army|Police|Board|Fund|Bank|University|College|School|Republicans|Democrats|GOP|"
            r"Caucus|Coalition|Alliance|Movement|Front|Command|Government|Cabinet|Parliament|Assembly|"
            r"Conference|Media|Press|Magazine|Review|Tribune|Herald|Daily|Channel|TV|Radio|Twitter|"
            r"Facebook)$", " ".join(run))
        if head_org:
            return None
        if len(run) == 1 and run[0].isupper() and len(run[0]) > 1:
            return None  # an acronym is an organisation
        return " ".join(run)

    # --- cues -------------------------------------------------------------------------------
    def cue_at(self, toks: list[_Tok], i: int, lo: int) -> tuple[str, str] | None:
        """(lemma, frame) when ``toks[i]`` is an attribution cue used as a verb."""
        t = toks[i]
        if not t.is_word:
            return None
        low = t.lower
        if low == "according" and i + 1 < len(toks) and toks[i + 1].lower == "to":
            return ("according to", "according")
        if t.text[0].isupper() and i > lo:
            return None
        if _PHRASAL_SPEECH.get(low) == "back" and i > lo and i + 1 < len(toks) \
                and toks[i + 1].lower == "back" and (_after_quote(toks, i, lo) or i + 2 >= len(toks)
                                                     or toks[i + 2].is_quote or toks[i + 2].text in {",", ":"}):
            return ("shoot back", "speech")  # '“...,” Ortiz shot back', 'Haddad fired back: “...”'
        if _PHRASAL_SPEECH.get(low) == "on" and i > lo and i + 2 < len(toks) and toks[i + 1].lower == "on" \
                and _after_quote(toks, i, lo) and toks[i + 2].text in {",", ".", ":"}:
            return ("go on", "speech")  # '“...,” Ortiz went on, as if ...'
        if low in {"put", "puts"} and i + 1 < len(toks) and toks[i + 1].lower == "it" and i > lo and (
                i + 2 >= len(toks) or toks[i + 2].is_quote or toks[i + 2].text in {",", ":", ".", "—", "–"}):
            return ("put it", "speech")  # "As Ortiz put it, ...": the words that follow are Ortiz's
        entry = self.cues.get(low)
        prev = toks[i - 1] if i > lo else None
        if low == "press" and i + 1 < len(toks) and toks[i + 1].lower in _PRESS_NOUNS:
            return None  # "the White House press secretary": a noun compound, not the verb
        if prev is not None and prev.lower == "to" and not (
            entry is not None and entry[1] == "speech" and i - 2 >= lo and toks[i - 2].lower in _CATENATIVE
        ):
            return None  # an infinitive is the complement of another verb ("planned to continue")
        if prev is not None and prev.lower in (_STOP_PREPS | _NP_PREPS) - {"to"} and not low.endswith("ing"):
            return None  # "the former secretary of state said": after a preposition a cue word is a noun
        if entry is None:
            if low in self.findings:
                return ("find", "finding") if self._document_subject(toks, i, lo) else None
            if self._unlisted_speech(toks, i, lo):
                return (low, "speech")
            return None
        if prev is not None and prev.is_word and prev.lower in _DETERMINERS and not (
                prev.lower == "another" and (low.endswith("ed") or low in {"said", "wrote", "told"})):
            return None  # "a tweet", "their comments"; but "Another complained, ..." is one more speaker
        if prev is not None and prev.lower in {"be", "is", "was", "were", "are", "been", "being"} and (
            low.endswith("ed") or low in {"told", "said", "known", "shown", "seen", "found", "thought", "written"}
        ):
            return None  # a passive ("was asked", "is known") names no source
        if i + 1 < len(toks) and toks[i + 1].lower in {"of", "'s", "’s"} and low in AMBIGUOUS:
            return None  # "the report of", "claims of": nouns
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        content_follows = nxt is not None and (nxt.is_quote or nxt.lower == "that" or nxt.text == ":")
        if i + 1 < len(toks) and toks[i + 1].lower == "by" and low.endswith(("ed", "en", "wn")) and (
                prev is None or not (prev.lower in _SUBJECT_PRONOUNS or prev.lower in _AUX_ADVERBS)):
            return None  # "a clip shared by the club": a reduced relative, not the clip speaking
        if i + 1 < len(toks) and toks[i + 1].lower == "as" and (prev is None or not (
                prev.lower in _SUBJECT_PRONOUNS or prev.lower in _AUX_ADVERBS)) and not (
                i + 2 < len(toks) and toks[i + 2].lower in _SUBJECT_PRONOUNS | {"the", "a", "an", "his", "her"}):
            return None  # "the Hashd, known as the PMF": a name; "said as he left" is still speech
        if low in AMBIGUOUS and prev is not None and prev.is_word and prev.lower not in _SUBJECT_PRONOUNS:
            j = i - 1
            while j > lo and i - j <= 3 and toks[j].is_word and toks[j].lower not in _ARTICLES:
                j -= 1
            if j > lo and toks[j].lower in _ARTICLES and toks[j - 1].lower in _STOP_PREPS | _NP_PREPS \
                    and not _after_quote(toks, i, lo):
                # "in a second tweet", "In a Facebook post": a noun inside a prepositional phrase (but '“...,” a
                # notice on the door notes' is the verb after its subject)
                return None
        if low in AMBIGUOUS and (prev is None or not (
                prev.lower in _SUBJECT_PRONOUNS or prev.lower in _AUX_ADVERBS
                or (prev.capitalised and prev.lower not in _TITLE_MODIFIERS) or prev.text == ","
                or (content_follows and prev.is_word) or _after_quote(toks, i, lo))):
            return None
        if low.endswith("ing") and (prev is None or (
                prev.lower not in _PARTICIPLE_LEAD and prev.lower not in _PROGRESSIVE_AUX
                and prev.lower not in _WORDS_NOUNS  # "issued a statement saying ...": the issuer's words
                and prev.lower not in _SUBJECT_PRONOUNS and not (content_follows or (nxt is not None and nxt.text == ",")))):
            return None  # a gerund or an adjective ("a rising star"), not a progressive or a participle
        lemma = entry[0]
        if lemma in _NAMING_LEMMAS and low.endswith("ed") and prev is not None and prev.is_word \
                and not prev.capitalised and prev.lower not in _SUBJECT_PRONOUNS | _AUX_ADVERBS \
                and nxt is not None and nxt.region is not None and _is_title(nxt.region, self.text) \
                and not (i + 2 < len(toks) and toks[i + 2].lower in _DETERMINERS):
            # 'a trawler dubbed “Marigold”': the boat's name, nobody's words (but 'called “X” a success' has a
            # complement after the title: the verb of the subject's judgement)
            return None
        if lemma in _SPEECH_ONLY_BEFORE_CONTENT and not (
                nxt is None or nxt.is_quote or nxt.text in {":", ",", ".", "?", "!"} or nxt.lower in {"that", "out"}
                or _after_quote(toks, i, lo) or (prev is not None and prev.is_quote)):
            return None  # "they protested outside the embassy", "continued to rise": actions, not speech
        if low in self.findings and self._document_subject(toks, i, lo):
            return (lemma, "finding")
        return entry

    def _unlisted_speech(self, toks: list[_Tok], i: int, lo: int) -> bool:
        """A past-tense verb the lexicon lacks, in the tight frame after a quotation that ends in a comma,
        "?" or "!": '“...,” an angry Hollande retaliated.', '“...,” intoned Ruiz.' News varies these verbs
        without end, and in this position nothing but the speaker and the verb of speaking fits."""
        t = toks[i]
        if len(t.text) < 5 or not t.lower.endswith("ed") or t.capitalised:
            return False
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if toks[i - 1].is_quote if i > lo else False:
            # inverted: the verb, then the speaker's name and the end of the clause
            k, j = i - 1, i + 1
            while j < len(toks) and j - i <= 4 and toks[j].is_word and toks[j].capitalised:
                j += 1
            if j == i + 1 or (j < len(toks) and toks[j].text not in {".", ",", ";"}):
                return False
        else:
            found = _quote_before(toks, i, lo)
            if found is None or i - found > 7 or not (toks[found + 1].capitalised or toks[found + 1].lower in _ARTICLES):
                return False
            k = found
            if toks[i - 1].lower in _DETERMINERS or toks[i - 1].lower in _ARTICLES:
                return False  # '“...,” the bespectacled, 71-year-old diplomat said': an adjective
            if nxt is not None and not (nxt.text in {".", ",", ";", "—", "–"} or nxt.lower in _STOP_PREPS
                                        or nxt.lower in {"at", "from", "for", "as", "after", "before"}
                                        or (nxt.lower.endswith("ly") and nxt.is_word)):
                return False  # '“Hamilton,” the musical opened doors': the verb has an object
        region = toks[k].region
        opener = [t for t in toks[lo:k] if t.start < region.start] if region is not None else []
        if region is None or (opener and opener[-1].is_word):
            # 'Dubbed “Operation Dawn,” the offensive started': a quotation after a word is a name, not words said
            return False
        inner = self.text[region.inner_start:region.inner_end].rstrip()
        return inner.endswith((",", "?", "!", "—", "–", "―"))

    def _document_subject(self, toks: list[_Tok], i: int, lo: int) -> bool:
        j = i - 1
        while j >= lo and toks[j].lower in _AUX_ADVERBS:
            j -= 1
        return j >= lo and toks[j].lower in DOCUMENT_NOUNS

    # --- subjects ---------------------------------------------------------------------------
    def left_subject(self, toks: list[_Tok], cue: int, lo: int) -> tuple[int, int] | None:
        """Token range of the subject phrase before the cue, or None."""
        j = cue - 1
        if j - 1 >= lo and toks[j].lower == "to" and toks[j - 1].lower in _CATENATIVE:
            j -= 2  # "went on to say": the subject is before the verb chain
            while j > lo and toks[j].lower in {"was", "is", "were", "are", "been", "be"} and toks[j + 1].lower != "on":
                j -= 1  # "Ortiz was prompted to say"
            if j >= lo and toks[j].lower == "on" and toks[j + 1].lower == "on":
                j -= 1
            if j >= lo and toks[j + 1].lower == "on" and toks[j].lower in _CATENATIVE:
                j -= 1
        if j - 1 >= lo and toks[j].lower == "far" and toks[j - 1].lower in {"so", "thus"}:
            j -= 2  # "has so far declined": an adverbial, not the subject
        while j >= lo and toks[j].is_word and toks[j].text != "Will" and (
            toks[j].lower in _AUX_ADVERBS - {"in", "turn"} or _CONTRACTED_AUX.fullmatch(toks[j].lower) is not None
            or (toks[j].lower.endswith("ly") and not toks[j].capitalised and toks[j].lower not in {"only", "family"})
        ):
            j -= 1
        if j - 1 >= lo and toks[j].lower == "and" and toks[j - 1].is_word and not toks[j - 1].capitalised \
                and re.search(r"(?:ed|s)$", toks[j - 1].lower):
            j -= 2  # "Ms. Marsh sighed and said": the subject of the first verb
            while j > lo and toks[j].is_word and not toks[j].capitalised and toks[j].lower.endswith("ed") \
                    and toks[j - 1].is_word and toks[j - 1].capitalised:
                j -= 1  # "Marsh looked puzzled and said"
            while j >= lo and toks[j].is_word and toks[j].lower in _AUX_ADVERBS - {"in", "turn"}:
                j -= 1
            if j - 1 > lo and toks[j].lower in _DETERMINERS | _OBJECT_PRONOUNS | {"off", "up", "out"}:
                # "Marsh took off her gloves and said", "the clerks cannot simply raise their hands and shout": the
                # object of the first verb; its subject is before that verb and its auxiliaries
                while j - 1 > lo and toks[j].lower in _DETERMINERS | _OBJECT_PRONOUNS | {"off", "up", "out"}:
                    j -= 1
                j -= 1
                while j >= lo and toks[j].is_word and (toks[j].lower in _AUX_ADVERBS - {"in", "turn"} | _VERBISH
                                                       or re.search(r"n['’]t$", toks[j].lower)):
                    j -= 1
        j = _skip_time_adjunct(toks, j, lo)
        if j < lo:
            return None
        end = j + 1
        if toks[j].text in {",", "–", "—"}:
            rng = self._appositive_subject(toks, j, lo)
            if rng is not None or not (j - 1 >= lo and toks[j - 1].text == ")"):
                return rng
            j, end = j - 1, j  # "Gov. Ray Hollis (R-OH), said": a stray comma after the name
        k = j
        while k >= lo:
            t = toks[k]
            if t.text == ")":
                opening = next((m for m in range(k - 1, max(lo - 1, k - 8), -1) if toks[m].text == "("), None)
                if opening is None or opening == lo:
                    break
                k = opening - 1  # "Sen. Ray Hollis (R-Texas) told": the parenthesis is part of the phrase
                continue
            if t.is_quote:
                break
            if not t.is_word and t.text not in {"'", "’", "-", "&", "’s", "'s"}:
                break
            low = t.lower
            if low in {"on", "in"} and k - 1 >= lo and toks[k - 1].text in ORG_HEADS and toks[k + 1].capitalised \
                    and toks[k + 1].lower not in _TEMPORAL and k != j:
                k -= 1  # "the Committee on Foreign Relations said": a preposition inside an organisation's name
                continue
            if low in _CLAUSE_WORDS or _verb_like(toks, k) or low in _STOP_PREPS or (
                    low in _OBJECT_PRONOUNS and t.text != "US"):  # "US Senator ..." is the country
                break
            if low in self.cues and k != j and not t.capitalised and self.cue_at(toks, k, lo) is not None:
                break
            if low in {"and", "&"} and not (k - 1 >= lo and toks[k - 1].capitalised and toks[k + 1].capitalised):
                break
            if end - k > _MAX_SUBJECT_TOKENS:
                break
            k -= 1
        start = k + 1
        if start < end and k >= lo and toks[k].lower == "to" and toks[start].is_word and not toks[start].capitalised \
                and toks[start].lower not in _DETERMINERS | _ARTICLES and toks[cue].lower.endswith("s"):
            return None  # "to meet European demands on ...": an infinitive, its object and the object's plural head
        place_from = _person_before_place(toks, k, lo) if start < end else None
        start = start if place_from is None else place_from  # "A man in the back row shouted"
        who = next((m for m in range(k, max(lo, cue - 14) - 1, -1) if toks[m].lower in {"who", "whose"}
                    or not (toks[m].is_word or toks[m].text in {"'s", "’s", "-"})), None)
        if who is not None and who >= lo and toks[who].lower in {"who", "whose"} and who - 1 >= lo and (
                toks[who - 1].is_word or (toks[who - 1].text == "," and who - 2 >= lo and toks[who - 2].is_word
                                          and start >= end)):  # not "Ortiz, who aides say ...": aides say
            # "the crews who petitioned the board last week say ...", "a retired welder, Jim Dolan, who says ..."
            if toks[who - 1].is_word:
                rng = self._phrase_before(toks, who, lo)
            elif not toks[who - 2].capitalised:
                # "the campaign referred questions to its general counsel, who said ...": a described person
                rng = self._phrase_before(toks, who - 1, lo)
                if rng is not None:
                    det = next((m for m in range(rng[0], rng[1]) if toks[m].lower in _ARTICLES), None)
                    rng = (det, rng[1]) if det is not None else None
                if rng is not None and not _person_description(
                        " ".join(["the"] + [t.text for t in toks[rng[0] + 1:rng[1]]]), speaking=True):
                    rng = None
            else:  # the name before the comma
                first = who - 2
                while first - 1 >= lo and toks[first - 1].capitalised and who - first < 5:
                    first -= 1
                rng = (first, who - 1)
            while rng is not None and rng[0] < rng[1] - 1 and toks[rng[0]].lower in _NP_PREPS:
                rng = (rng[0] + 1, rng[1])  # "83% of members who voted": the members
            if rng is not None:
                det = max((m for m in range(rng[0] + 1, rng[1]) if toks[m].lower in {"a", "an", "one"}
                           and toks[m - 1].is_word and not toks[m - 1].capitalised
                           and toks[m - 1].lower not in _STOP_PREPS | _NP_PREPS), default=None)
                # "Ortiz retweeted a supporter who wrote ...": the relative pronoun's antecedent, the verb's object
                return (det, rng[1]) if det is not None else rng
        if start >= end:
            return None
        # drop opening adverbials and time words inside the phrase ("Tuesday night Ortiz")
        for m in range(end - 1, start - 1, -1):
            if toks[m].lower in _TEMPORAL and m < end - 1:
                start = m + 1
                break
        while start < end and (toks[start].lower in _NP_PREPS or toks[start].lower in {"and", "also", "so", "then"}):
            start += 1
        if end - start > 1 and toks[end - 1].lower in _SUBJECT_PRONOUNS - {"who"}:
            start = end - 1  # "In a Facebook post he said": the pronoun is the whole subject
        for m in range(end - 1, start, -1):
            prev = toks[m - 1]
            if toks[m].lower in {"the", "a", "an"} and prev.is_word and prev.text not in {"'s", "’s"} \
                    and prev.lower not in _STOP_PREPS | _NP_PREPS | _DETERMINERS | _AUX_ADVERBS \
                    and prev.lower not in {"and", "&", "or", "all", "both", "half", "only"} \
                    and ((k >= lo and toks[k].lower in _STOP_PREPS) or toks[k + 1].lower.endswith("ly")
                         or toks[k + 1].lower in _STOP_PREPS | _NP_PREPS | _TEMPORAL | _TIME_LEADS | {"back"}) \
                    and not any(toks[x].lower in _CLAUSE_WORDS | {"except"} for x in range(k + 2, m)):
                # "At the meeting the treasurer warned": an article after an opening phrase's noun opens the
                # subject (not after a participle's object, "except" or a relative: "Lawyers representing the
                # stallholders", "Nobody except the harbourmaster")
                start = m
                break
        if start >= end:
            return None
        if all(toks[m].lower in _TEMPORAL or not toks[m].is_word for m in range(start, end)):
            return None
        if toks[start].is_word and toks[start].lower in _STOP_PREPS:
            return None
        return (start, end)

    def _appositive_subject(self, toks: list[_Tok], comma: int, lo: int) -> tuple[int, int] | None:
        """The subject before a parenthetical: "Omar Sayed, a graduate student, urged ...",
        "Haddad's office, when reached by phone, said ...", "Ortiz, after a new poll, told ..."."""
        k = comma - 1
        described: tuple[int, int] | None = None
        while k >= lo and k > comma - 30:
            t = toks[k]
            if t.text in {";", ":"} or (t.is_quote and toks[comma].text == "," and not (
                    t.region is not None and _is_title(t.region, self.text))):  # 'pins reading “Ted Cruz”'
                return None
            if t.text == toks[comma].text or (t.text in {",", "–", "—"} and toks[comma].text in {",", "–", "—"}):
                seg = toks[k + 1 : comma]
                rel_at = next((m for m, w in enumerate(seg) if w.lower in {"who", "which", "whose"}), None)
                # "Zeke Eman, an oncologist who advised the president, said": a cue inside a relative
                # clause of the parenthetical is not the sentence's attribution
                relative = rel_at is not None and not any(
                    self.cue_at(toks, k + 1 + m, lo) is not None for m in range(rel_at))
                if len(seg) >= 2 and seg[0].lower.endswith("ed") and seg[1].lower in {
                        "about", "whether", "if", "why", "what", "how", "by", "on", "to"}:
                    relative = True  # "Ortiz, asked about the plan, said": a passive participle, no frame
                if not seg or (not relative and any(self.cue_at(toks, m, lo) is not None for m in range(k + 1, comma))):
                    return None
                if 2 <= len(seg) <= 4 and all(w.capitalised for w in seg) and k - 1 > lo \
                        and toks[lo].lower in _ARTICLES and any(toks[m].lower in {"who", "whose", "that"}
                                                                for m in range(lo + 1, k)):
                    # "The woman whose shop flooded twice, Dana Rusk, told ...": the name after a described
                    # person with a relative clause
                    named = self.speaker(toks, k + 1, comma)
                    if named is not None and named.person:
                        return (k + 1, comma)
                rng = self._phrase_before(toks, k, lo)
                if rng is not None and all(not toks[m].capitalised and not toks[m].lower.isalpha()
                                           for m in range(*rng)):
                    rng = None  # "Purn, 67, a nurse": an age is not the subject
                if rng is not None and (toks[rng[0]].lower in _ARTICLES or any(
                        re.search(r"\w['’]s$", toks[m].text) for m in range(rng[0], rng[1] - 1))) and 2 <= len(seg) <= 4 \
                        and (rng[0] == lo or toks[rng[0] - 1].text != ",") \
                        and self.text[seg[0].start:seg[-1].end] not in PLACES \
                        and all(w.capitalised or _initial_stop(toks, k + 1 + n) for n, w in enumerate(seg)):
                    named = self.speaker(toks, k + 1, comma)
                    if named is not None and named.person:
                        return (k + 1, comma)  # "The island's member of parliament, Joel Farr, said": the name
                # the phrase must start its clause: nothing but a sentence start, "and"/"but" or a comma before it
                before = rng[0] - 1 if rng is not None else lo
                if rng is not None and not (before >= lo and toks[before].is_word
                                            and toks[before].lower not in {"and", "but", "so", "yet", "as"}
                                            and toks[before].lower not in _SUBORDINATORS):
                    if not (before >= lo and toks[before].text == "," and toks[rng[0]].text in {"a", "an", "the"}
                            and toks[rng[1] - 1].capitalised and all(w.capitalised for w in seg)):
                        return rng
                    # "Ada Ferrow, a cheesemaker from Brill, Vermont, said": a described phrase cut by a place's
                    # comma is itself an appositive; the name before it speaks, if there is one
                    described = described or rng
                # "Ada Ferrow, 58, a cheesemaker near Brill, Vermont, said": the parenthetical has commas
                # of its own, so try the comma before this one
            k -= 1
        return described

    def _phrase_before(self, toks: list[_Tok], comma: int, lo: int) -> tuple[int, int] | None:
        end = comma
        k = comma - 1
        if k > lo and toks[k].text == ")":
            # "Rep. Ray Hollis (R-Ohio), a member of ...": the parenthesis belongs to the name
            opening = next((m for m in range(k - 1, max(lo - 1, k - 8), -1) if toks[m].text == "("), None)
            if opening is not None and opening > lo:
                k = opening - 1
        while k >= lo and (toks[k].is_word or _initial_stop(toks, k)) \
                and toks[k].lower not in _CLAUSE_WORDS | _STOP_PREPS and not _verb_like(toks, k) and end - k <= 12:
            k -= 1  # "Nadia K. Farrow, a lawyer, said": the initial's full stop is part of the name
        start = k + 1
        place_from = _person_before_place(toks, k, lo) if start < end else None
        start = start if place_from is None else place_from  # "A man in the back row, who ..."
        for m in range(end - 1, start - 1, -1):
            if toks[m].lower in _TEMPORAL and m < end - 1:
                start = m + 1
                break
        return (start, end) if start < end else None

    def right_subject(self, toks: list[_Tok], cue: int, hi: int) -> tuple[int, int] | None:
        """Token range of an inverted subject after the cue ("said Haddad", "said the mayor")."""
        start = cue + 1
        k = start
        while k < hi:
            t = toks[k]
            if not t.is_word and t.text not in {"'", "’", "-", "&", "’s", "'s"}:
                break
            low = t.lower
            if low in {"on", "in"} and k > start and toks[k - 1].text in ORG_HEADS and k + 1 < hi \
                    and toks[k + 1].capitalised and toks[k + 1].lower not in _TEMPORAL:
                k += 1  # "said the Committee on Foreign Relations": a preposition inside an organisation's name
                continue
            if low in _CLAUSE_WORDS or _verb_like(toks, k) or low in _STOP_PREPS or (
                    low in self.cues and k > start and not t.capitalised  # "said White House Press Secretary X"
                    and toks[k - 1].lower not in _DETERMINERS):  # '“...,” warned a report by ...': a noun
                break
            if low in {"and", "&"} and not (k + 1 < hi and toks[k + 1].capitalised):
                break
            if k - start >= 10:
                break
            k += 1
        if k == start:
            return None
        if all(toks[m].lower in _TEMPORAL | _FUNCTION for m in range(start, k)):
            return None
        if toks[start].lower in {"that", "this", "it"}:
            return None
        return (start, k)

    def colon_label(self, toks: list[_Tok], colon: int, lo: int) -> _Speaker | None:
        """The speaker named right before a colon that opens a quotation with no cue: "Rep. Ray Hollis
        (R-Ohio): “...”", "Turnout is up - Lina Haddad: “...”", "More from the report: “...”"."""
        if toks[lo].capitalised and re.fullmatch(r"[A-Z][a-z]+ed|Said|Wrote|Told", toks[lo].text) \
                and self.cues.get(toks[lo].lower, ("", ""))[1] == "speech":
            return None  # "Said Lena Forsberg, a teacher from Duluth:": the frame names the speaker (_intro_speaker)
        k = colon - 1
        if k > lo and toks[k].text == ")":
            opening = next((m for m in range(k - 1, max(lo - 1, k - 8), -1) if toks[m].text == "("), None)
            if opening is None:
                return None
            k = opening - 1
        end = k + 1
        while k >= lo and end - k <= 6 and (toks[k].capitalised or (toks[k].text in {"-", "’s", "'s", "."}
                                             and k > lo and toks[k - 1].capitalised)):
            k -= 1
        start = k + 1
        boundary = k < lo or toks[k].text in {"-", "–", "—"} or toks[k].lower == "from"
        if not boundary:
            item = self._item_head(toks, colon, lo)
            if item is not None:
                return item
        if not boundary:
            # "More from the report:": a short described source after "from"
            m = next((m for m in range(end - 1, max(lo - 1, end - 5), -1) if toks[m].lower == "from"), None)
            if m is not None and m + 1 < end and all(toks[x].is_word for x in range(m + 1, end)) and (
                    toks[m + 1].capitalised or toks[m + 1].lower in _DETERMINERS):
                start, boundary = m + 1, True
        if start >= end:
            return None
        sp = self.speaker(toks, start, end)
        if sp is None or sp.pronoun in _SUBJECT_PRONOUNS:
            return None
        if not boundary and not (sp.person and end - start >= 2 and toks[k].lower not in _STOP_PREPS | _NP_PREPS):
            return None  # "He arrived in Dayton: ...", "a message to Ortiz: ...": not the speaker
        return self.resolve(sp, -10)

    def _item_head(self, toks: list[_Tok], colon: int, lo: int) -> _Speaker | None:
        """The name opening a list item or a headline whose head ends in a colon before a quotation: "• Rhona
        Kell, who sells crab on the quay: “...”", "Rep. Ray Hollis (I-Maine) on Twitter: “...”", "Mayor on the
        ferry cuts: “...”". What follows the name (an aside, a party tag, a phrase) has no verb of speech."""
        first = lo
        while first < colon and toks[first].text in {"•", "-", "–", "—", "*", "·", "►", "▪"}:
            first += 1
        m = first
        while m < colon and (toks[m].capitalised or (toks[m].text in {".", "-", "’s", "'s"} and m > first)):
            m += 1
        if m == first or m >= colon or not (toks[m].text in {",", "("} or toks[m].lower in {"on", "in", "via", "to"}):
            return None
        if any(self.cue_at(toks, x, lo) is not None or _verb_like(toks, x) or toks[x].is_quote
               for x in range(m, colon)):
            return None
        sp = self.speaker(toks, first, m)
        if sp is None or sp.pronoun is not None or not (sp.person or sp.actor or toks[first].lower in _TITLE_WORDS):
            return None
        state = re.match(r",\s*([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*)*)\s*[,:]", self.text[toks[m].start:toks[colon].end])
        if self.text[toks[first].start:toks[m - 1].end] in PLACES or (state is not None and (
                state.group(1).rstrip(".") in PLACES or re.fullmatch(r"[A-Z]{2}", state.group(1)) is not None)):
            return None  # "• Dover, Maine: “...”", "• Ohio, at the fair: “...”": where, not who
        return self.resolve(sp, -10)

    # --- resolution -------------------------------------------------------------------------
    def resolve(self, sp: _Speaker | None, paragraph: int) -> _Speaker | None:
        if sp is None or sp.pronoun is None:
            if sp is not None and sp.person:
                self.last_person, self.last_person_paragraph, self.last_person_acts = sp, paragraph, True
            if sp is not None and sp.actor and not sp.person:
                self.last_actor, self.last_actor_at = sp, sp.start
            elif sp is not None and not sp.person and sp.name and _person_description(sp.name, speaking=True):
                # '“...,” the former secretary of state said. “...,” she added.': a person described, not named,
                # is the "she" that follows
                self.last_person, self.last_person_paragraph, self.last_person_acts = sp, paragraph, True
            return sp
        if sp.pronoun in {"def-doc", "def-org"}:
            found: _Speaker | None = None
            if sp.pronoun == "def-doc" and self.last_actor is not None and sp.start - self.last_actor_at < 600:
                found = self.last_actor  # "the statement said": the last organisation that spoke
            if found is None:
                m = next((m for m in reversed(self._mentions_in(max(0, sp.start - 700), sp.start))
                          if sp.start - m.end < 600 and self.gaz.kind_of(m.actor) in _ORGANISATION_KINDS), None)
                if m is not None:
                    found = _Speaker(m.name, m.actor)
            if found is None or not found.actor:
                return _Speaker(sp.name, None, start=sp.start, end=sp.end)
            # "the statement said": the words stay as written, the actor is the one who issued it
            resolved = _Speaker(sp.name, found.actor, start=sp.start, end=sp.end)
            self.last_actor, self.last_actor_at = _Speaker(found.name, found.actor), sp.start
            return resolved
        if sp.pronoun in _PERSON_PRONOUNS and self.last_person is not None \
                and paragraph - self.last_person_paragraph <= _PERSON_REACH:
            resolved = self.last_person
            return _Speaker(resolved.name, resolved.actor, person=True, start=sp.start, end=sp.end)
        return _Speaker(None, None, pronoun=sp.pronoun, start=sp.start, end=sp.end)

    def note_subject(self, toks: list[_Tok], lo: int, hi: int, paragraph: int) -> _Speaker | None:
        """Remember the first subject of a sentence when it names a person (for "he"/"she" later), else a person
        the sentence introduces with a description ("... came from a nurse, Tova Hale.", "That did not satisfy
        Tomas Gruber, who runs the garage.")."""
        sp = self._note_subject(toks, lo, hi, paragraph)
        if sp is not None and sp.person:
            return sp
        first = _first_subject(self, toks, lo, hi)
        while first is not None and first[1] - first[0] > 1 and toks[first[1] - 1].lower in _AUX_ADVERBS:
            first = (first[0], first[1] - 1)  # "The rancher also took aim": not "also"
        head = self.text[toks[first[0]].start:toks[first[1] - 1].end] if first is not None else ""
        if sp is not None and sp.pronoun in _PERSON_PRONOUNS:
            return sp
        if first is not None and _person_description(head):
            # "The principal handed the award to a student, Mia Dorn.": the subject, a person described, is the
            # likelier "he" or "she" of the next sentence
            described = self.speaker(toks, *first)
            if described is not None and described.name and not described.actor:
                self.last_person, self.last_person_paragraph, self.last_person_acts = described, paragraph, True
            return sp
        first_quote = next((m for m in range(lo, hi) if toks[m].is_quote), hi)
        for m in range(lo + 1, min(hi - 2, first_quote)):
            if not (toks[m].capitalised and toks[m + 1].capitalised) or toks[m - 1].capitalised \
                    or toks[m - 1].lower in _STOP_PREPS - {"by", "with"}:
                continue
            n = m
            while n < hi and toks[n].capitalised and n - m < 4:
                n += 1
            if n < hi and ((toks[n].text == "," and n + 1 < hi and toks[n + 1].lower == "who")
                           or (toks[n].text == "." and n == hi - 1 and toks[m - 1].text == ",")):
                named = self.speaker(toks, m, n)
                if named is not None and named.person and named.actor is None:
                    self.last_person, self.last_person_paragraph, self.last_person_acts = named, paragraph, True
                    return named
        return sp

    def _note_subject(self, toks: list[_Tok], lo: int, hi: int, paragraph: int) -> _Speaker | None:
        if lo < hi and toks[lo].is_word and (toks[lo].lower in _STOP_PREPS | _NP_PREPS | _SUBORDINATORS | _TIME_LEADS
                                             or toks[lo].lower.endswith("ing") or (
                toks[lo].lower.endswith("ed") and lo + 1 < hi and toks[lo + 1].is_word and not toks[lo + 1].capitalised)):
            # "During the debate, Ortiz pressed Haddad ...", "Speaking in Dover, Ortiz ...", "Asked whether ...,
            # Ortiz paused", "When pressed on taxes, Ortiz demurred": after the opening phrase or clause
            first = _first_subject(self, toks, lo, hi)
            if first is None or first[0] == lo:
                return None
            lo = first[0]
        words = [t for t in toks[lo:hi] if t.is_word]
        headline = sum(t.capitalised for t in words) > 0.7 * len(words)  # "Ortiz Says The Plan Is Dead"
        k = lo
        while k < hi and toks[k].is_word and not toks[k].is_quote:
            if toks[k].lower in _VERBISH or (toks[k].lower in self.cues and k > lo and not (
                    toks[k].capitalised and not headline and k + 1 < hi and toks[k + 1].capitalised
                    and toks[k + 1].lower not in _FUNCTION | _DETERMINERS)):
                break  # a capitalised cue inside a name ("Harbour Trust Chief ...", "Press Secretary ...")
            if k > lo and not toks[k].capitalised and toks[k - 1].capitalised \
                    and toks[k].lower not in _TITLE_WORDS | _NP_PREPS | _DETERMINERS | {"and", "&"} \
                    and not _role_before_name(toks, k, hi):
                break  # "Kessler met the crews ...": the name before its verb
            if k > lo and re.fullmatch(r"[a-z]+ed", toks[k].text) and toks[k - 1].lower not in _ARTICLES:
                break  # "None of this satisfied Hale": a verb in the past tense ends the subject
            k += 1
        if k == lo or k - lo > 8 or k >= hi or toks[lo].lower in _STOP_PREPS or _aside_to_comma(self, toks, k, hi):
            return None
        comma = next((m for m in range(lo + 1, min(hi, lo + 7)) if not toks[m].is_word), hi)
        if toks[lo].lower in _ARTICLES and comma < hi and toks[comma].text == ",":
            # "The board's chair, Hester Vail, was not there": the appositive name is the person
            m = comma + 1
            while m < hi and (toks[m].capitalised or _initial_stop(toks, m)) and m - comma <= 4:
                m += 1
            if m - comma >= 3 and m + 1 < hi and toks[m].text == "," and toks[m + 1].is_word:
                lo, k = comma + 1, m
        sp = self.speaker(toks, lo, k)
        if sp is not None and sp.person:
            self.last_person, self.last_person_paragraph = sp, paragraph
            # "Oh, and here is the best part": a capitalised word before a comma is no subject of a clause
            # (but "Whitford, speaking in Dunmore, was asked ..." is: a known surname or a full name before the aside)
            self.last_person_acts = toks[k].is_word or any(t.is_word and not t.capitalised for t in toks[lo:k]) or (
                toks[k].text == "," and any(toks[m].text == "," and (_verb_like(toks, m + 1) or re.fullmatch(
                    r"[a-z]+(?:ed|s)", toks[m + 1].text) is not None) for m in range(k + 2, min(hi - 1, k + 14))))
        return sp


def _content_span(toks: list[_Tok], lo: int, hi: int, text: str) -> tuple[int, int] | None:
    while lo < hi and (toks[lo].text in {",", ":", ";", "—", "–", "-", "(", ")"} or toks[lo].lower == "that"):
        lo += 1
    while hi > lo and toks[hi - 1].text in {",", ".", ";", ":", "—", "–", "-", "(", ")", "?", "!"}:
        hi -= 1
    if hi <= lo:
        return None
    a, b = toks[lo].start, toks[hi - 1].end
    if len(re.findall(r"\w+", text[a:b])) < 2:
        return None
    only = toks[lo].region
    if hi - lo == 1 and only is not None:
        return only.inner_start, only.inner_end
    return a, b


class _RegionIndex:
    """A document's quoted regions by position, so the regions touching a span are found in logarithmic time
    (sorted by start, with the furthest end reached so far; regions may nest)."""

    def __init__(self, regions: Sequence[QuoteRegion]) -> None:
        self.regions = sorted(regions, key=lambda r: r.inner_start)
        self.starts = [r.inner_start for r in self.regions]
        self.reach = list(itertools.accumulate((r.inner_end for r in self.regions), max))

    def overlapping(self, a: int, b: int) -> list[QuoteRegion]:
        """The regions whose inside overlaps ``[a, b)``."""
        lo = bisect.bisect_right(self.reach, a)
        hi = bisect.bisect_left(self.starts, b)
        return [r for r in self.regions[lo:hi] if r.inner_end > a]


def _direct_share(text: str, a: int, b: int, regions: Sequence[QuoteRegion]) -> float:
    inside = 0
    total = 0
    regions = [r for r in regions if r.inner_start < b and a < r.inner_end]
    for k in range(a, b):
        ch = text[k]
        if ch.isspace() or ch in "\"“”«»„‘’'`":
            continue
        total += 1
        if any(r.inner_start <= k < r.inner_end for r in regions):
            inside += 1
    return inside / total if total else 0.0


def extract_quotes(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    gazetteer: Gazetteer | None = None,
    *,
    indirect: bool = True,
    entities: Sequence[ActorEntity] = (),
) -> list[Quote]:
    """Direct, mixed and (unless ``indirect=False``) indirect attributions in a cleaned text.

    With ``entities`` (the document's people and organisations), a direct quotation the rules leave
    without a speaker gets the nearest person as a guess (:func:`guess_speakers`).
    """
    gaz = gazetteer or default_gazetteer()
    reader = _Reader(text, mentions, gaz)
    out: list[Quote] = []
    sentence_of = _sentence_lookup(sentences)
    last_speaker: _Speaker | None = None  # of the previous paragraph
    pending_colon: _Speaker | None = None
    recent: tuple[_Speaker, int] | None = None  # the speaker of the last quotation, and its paragraph
    name_line: _Speaker | None = None  # the person of a name line heading the quotation in the next paragraph
    headed = False  # the previous paragraph's quotation had such a heading
    carry: _Attribution | None = None  # a quotation left open at the end of the previous paragraph
    qa_cast: tuple[_Speaker | None, _Speaker | None] | None = None  # interviewer and interviewee of Q:/A: lines
    qa_at = (-1, 0)  # the paragraph and end of the last Q:/A: line
    line_label: str | None = None  # the capitalised label opening the previous paragraph ("AVERILL:")
    attributions: list[_Attribution] = []
    prev_found: list[_Attribution] = []
    all_regions: list[QuoteRegion] = []
    topic: tuple[_Speaker | None, int] | None = None  # after a topic line ("On the Federal Reserve:"): who the list quotes
    for p_index, para in enumerate(re.finditer(r"[^\n]+", text)):
        a, b = para.start(), para.end()
        if not text[a:b].strip():
            continue
        person_before = reader.last_person if reader.last_person_acts else None
        regions = _paragraph_regions(text, a, b)
        all_regions.extend(regions)
        toks = _tokenise(text, a, b, regions)
        if not toks:
            continue
        found: list[_Attribution] = []
        used: set[int] = set()  # token indexes of quotation tokens already attributed
        transcript = _transcript_label(text, a)
        label_before, line_label = line_label, (transcript.group(1) if transcript else None)
        after = re.compile(r"\n+").match(text, b)
        label_after = _transcript_label(text, after.end()) if after is not None else None
        label_end = -1  # the end of a capitalised label that names no speaker ('DOVER: “...,” the mayor said')
        if transcript and a > 0 and not _named_label(reader, transcript.group(1), text, a) \
                and label_before in {None, line_label} and (label_after is None or label_after.group(1) == line_label):
            # "FACT CHECK:", "NORTHMERE:" alone after the first paragraph: a heading
            label_end, transcript = transcript.end(), None
        if transcript and _own_frame(reader, toks, transcript.end()):
            label_end, transcript = transcript.end(), None  # the paragraph's own frame speaks
        qa = _QA_LINE.match(text, a) if transcript is None else None
        if qa is not None and _own_frame(reader, toks, qa.end()):
            label_end, qa = qa.end(), None  # 'A: “Twenty-three,” Ruiz said.': the line's own frame speaks
        if qa is not None and qa.end() < b:
            # an interview as questions and answers: the questions are the interviewer's (the person the
            # introduction says the interviewee spoke to), the answers the person the introduction is about
            # a new introduction after the last Q:/A: line (an interview sentence, or another person named
            # outside the lines) starts a new interview with its own cast
            if qa_cast is None or _INTERVIEWER.search(text, qa_at[1], a) is not None or (
                    reader.last_person_paragraph > qa_at[0] and reader.last_person is not None
                    and (qa_cast[1] is None or reader.last_person.name != qa_cast[1].name)):
                qa_cast = _interview_cast(reader, text, max(qa_at[1], a - 800), a)
            qa_at = (p_index, b)
            sp = qa_cast[0] if qa.group(1)[0] == "Q" else qa_cast[1]
            # not marked verbatim: PolNeAR leaves interview lines unannotated, and flagged direct they cost DIRECT
            # precision on train (12 lines, 96.0 -> 95.8 F1) while the interview's cast is often misread
            found.append(_Attribution(sp, [(qa.end(), b)], ":"))
            used.update(i for i, t in enumerate(toks) if t.is_quote)
        if transcript and transcript.end() < b:
            caps = transcript.group(1)
            # "MCCRAE" is McCrae, "O'HARE" O'Hare; a short label ("AP", "BBC") stays in capitals
            name = caps if len(caps) <= 3 else re.sub(r"\bMc([a-z])", lambda m: "Mc" + m.group(1).upper(), caps.title())
            if " " not in name and name.lower() in reader.full_names:
                name = reader.full_names[name.lower()][0]  # "HOLM:" after "Petra Holm"
            sp = _Speaker(name, None, person=True, start=transcript.start(1), end=transcript.end(1))
            # a kicker before a headline in title case ("FIX IS IN: Board Ignores The Audit") is no transcript
            found.append(_Attribution(sp, [(transcript.end(), b)], ":", verbatim=not _title_case(text, transcript.end(), b)))
            used.update(i for i, t in enumerate(toks) if t.is_quote)
        labelled = any(f.cue == ":" for f in found)
        paragraph_speaker: _Speaker | None = None
        colon_speaker: _Speaker | None = None
        below = False  # the paragraph ends announcing words shown below
        spans = _sentences(toks, text)
        dateline = _DATELINE.match(text, a) or _CAPS_HEAD.match(text, a)
        head_end = dateline.end() if dateline else label_end
        if head_end >= 0 and spans:
            first = next((k for k, t in enumerate(toks) if t.start >= head_end), None)
            if first is not None and first < spans[0][1]:
                # "BAGHDAD, Feb 20 (Wire) -", a round-up item's headline "A LETTER GOES VIRAL Ortiz wrote ...": not
                # part of any clause
                spans[0] = (first, spans[0][1])
        before_person = reader.last_person if reader.last_person_paragraph == p_index - 1 \
            and reader.last_person_acts else None
        for i in _dash_labelled(toks):
            # "Turnout is up - Lina Haddad: “...”" (a round-up): the name after the dash speaks, not a cue
            # in the item's heading
            item = next((x for x, y in spans if x <= i - 1 < y), 0)
            label = reader.colon_label(toks, i - 1, item)
            region = toks[i].region
            if label is not None and region is not None and label.name and (label.person or label.actor):
                used.add(i)
                found.append(_Attribution(label, [(region.inner_start, region.inner_end)], "", [region]))
        # a quotation headed by a name line is not signed by the line under it (a list of name, quotation, ...)
        signature = _SIGNATURE.match(text, a, b) if not regions and prev_found and not headed else None
        if signature is not None and signature.group(1) is None and (
                len(toks) > 14 or any(reader.cue_at(toks, k, 0) is not None for k in range(len(toks)))):
            signature = None  # without a dash only a short line with no cue can be a signature
        signed: _Speaker | None = None
        if signature is not None:
            # a quotation signed on the next line ("- Ray Hollis, at a rally"): the quotation is his
            signed, name_words = _signer(reader, toks, signature)
            dashed = signature.group(1) is not None
            # without a dash, only a person's full name on a short line under a quotation-only paragraph
            # ('"...."' then 'Lina Haddad, a teacher.') signs it
            name_end = signature.start(2) + len(signature.group(2).rstrip("."))
            if not dashed and not (signed is not None and signed.person and name_words >= 2
                                   and len(toks) <= 14 and all(not f.cue and f.regions for f in prev_found)
                                   and not _place_line(text[name_end:b])):
                signed = None
            if signed is None or signed.pronoun is not None or not (signed.person or signed.actor):
                # 'Eli Grant, 70, has led the choir since 1988.' under a framed quotation signs nothing: it is a
                # sentence like any other (its subject is the "he" of the next paragraph)
                signature, signed = None, None
        for lo, hi in spans if signature is None else ():
            reader.note_subject(toks, lo, hi, p_index)
            # a labelled line ("A: ...", "PENCE: ...") is its speaker's words whole: a cue inside it ("My deputy
            # says ...") reports speech inside a quotation, which is not reported apart (see the module notes)
            frames = _frames(reader, toks, lo, hi, text, p_index) if not labelled else []
            # 'They want to "...," Ortiz said': the post-posed frame owns the quotation, so it goes first
            kept: set[int] = set()
            for n in sorted(range(len(frames)), key=lambda n: not frames[n][0].outer):
                if frames[n][1] & used:
                    continue
                used |= frames[n][1]
                kept.add(n)
            for n, (att, _quote_tokens) in enumerate(frames):
                if n not in kept:
                    continue
                found.append(att)
                if att.speaker is not None and (att.speaker.name or att.speaker.pronoun):
                    paragraph_speaker = att.speaker
            below = hi == len(toks) and toks[hi - 1].text == "." and any(t.lower == "below" for t in toks[lo:hi]) \
                and any(t.lower in _WORDS_NOUNS for t in toks[lo:hi])
            if below and not frames:
                # "Whitford's full remarks are below.", "Watch her comments below.": announced like a colon
                colon_speaker = _intro_speaker(reader, toks, lo, hi - 1, p_index)
            elif hi - lo >= 2 and toks[hi - 1].text == ":":
                colon_speaker = frames[-1][0].speaker if frames else None
                if colon_speaker is None or not (colon_speaker.name or colon_speaker.pronoun):
                    colon_speaker = _intro_speaker(reader, toks, lo, hi - 1, p_index) or colon_speaker
        found = [f for f in found if f.parts or f.regions]
        if signed is not None:
            for f in prev_found:
                if not f.cue and f.regions:
                    f.speaker = reader.resolve(signed, p_index)
        # quotations with no cue of their own: a continuation of the paragraph's quotation, or of the
        # previous paragraph's when it was left open, else the paragraph's (or previous) speaker's
        reference = _REFERENCE_LINE.match(text, a) is not None
        for i, t in enumerate(toks):
            if not t.is_quote or i in used or t.region is None or reference:
                continue
            if len(_words(t.region, text)) < _MIN_CUELESS_WORDS or _is_title(t.region, text):
                continue
            if _CITATION_AFTER.match(text, t.end):
                continue  # '"Title," Publisher, 12 May 2020': a cited work, not a quotation
            used.add(i)
            inner = (t.region.inner_start, t.region.inner_end)
            host = next((f for f in reversed(found) if f.regions and f.speaker is not None), None)
            if host is not None and i > 1 and toks[i - 1].text == ":":
                # '“A,” Tarr said. Whitcombe was not convinced: “B.”': a sentence announcing its own subject's
                # words starts a new speaker
                own_lo = next((x for x, y in spans if x <= i - 1 < y), 0)
                intro = _intro_speaker(reader, toks, own_lo, i - 1, p_index)
                if intro is not None and intro.name and host.speaker is not None and intro.name != host.speaker.name \
                        and (intro.person or intro.actor):
                    found.append(_Attribution(intro, [inner], "", [t.region]))
                    continue
            if host is None and i == 0 and carry is not None:
                host = carry
            if host is not None:
                host.parts.append(inner)
                host.regions.append(t.region)
                continue
            speaker = None
            signed_after = _SIGNATURE.match(text, t.region.end, b)
            if signed_after is not None and signed_after.group(1) is not None:
                # '“We read every letter.” — Commodore Hester Vail': a quotation signed after a dash on its line
                speaker = _signer(reader, toks, signed_after)[0]
                speaker = reader.resolve(speaker, p_index) if speaker is not None and speaker.pronoun is None \
                    and (speaker.person or speaker.actor) else None
            if speaker is None and i > 0 and toks[i - 1].text == ":":
                own_lo = next((x for x, y in spans if x <= i - 1 < y), 0)
                speaker = reader.colon_label(toks, i - 1, own_lo)
                if speaker is None and i - 1 > own_lo:
                    # "Said Lena Forsberg, a teacher: “...”", "The union's statement was blunt: “...”": the
                    # sentence before the colon announces its subject's words
                    intro = _intro_speaker(reader, toks, own_lo, i - 1, p_index)
                    speaker = intro if intro is not None and intro.name else None
            speaker = speaker or (_headline_source(text, toks, i, b) if i > 0 and not found else None)
            speaker = speaker or paragraph_speaker
            own = next(((x, y) for x, y in spans if x < i < y), None)
            if speaker is None and own is not None:
                subject = _first_subject(reader, toks, *own)
                candidate = reader.speaker(toks, *subject) if subject else None
                if candidate is not None and (candidate.person or candidate.actor or (
                        candidate.name is not None and re.match(r"[A-Z][\w.-]*['’]s ", candidate.name))
                        or (subject is not None and candidate.name and candidate.pronoun in {None, "def-doc"}
                            and _voice_subject(toks, *subject))):
                    # 'Ortiz issued a statement, "..."', 'Brandt's flyer carries the line "..."': the sentence's
                    # subject (a person, an actor, or something a named owner speaks through)
                    speaker = candidate
            if speaker is None and pending_colon is not None:
                speaker = pending_colon
            if speaker is None and i == 0 and not any(
                    reader.cue_at(toks, m, 0) is not None for m in range(i + 1, min(len(toks), i + 10))):
                # a paragraph opening with a quotation continues the previous speaker, unless a frame of its
                # own follows the quotation (one this reader could not parse is no reason to guess)
                speaker = last_speaker
                if speaker is not None and recent is not None and _named_inside(speaker, text, inner) \
                        and not _named_inside(recent[0], text, inner):
                    # '... a rift with Paula Grange.' then '“I like Paula, but she was wrong.”': the person the
                    # quotation talks about is not its speaker; the last one quoted goes on
                    speaker = recent[0]
                if speaker is None and before_person is not None:
                    # no speaker in the paragraph before, but a person was its subject ("Strand walked the pier
                    # twice." then a line of quotations): the quotations are that person's
                    speaker = before_person
            if speaker is None and i > 0 and toks[i - 1].text == ":":
                speaker = colon_speaker
            if speaker is None and i > 0 and toks[i - 1].text in {".", "!", "?"} and reader.last_person is not None \
                    and reader.last_person_paragraph == p_index and a <= reader.last_person.start < t.start \
                    and reader.last_person_acts:
                # 'When pressed, Whitford demurred. “...”': the person the sentence before is about goes on to speak
                speaker = reader.last_person
            if speaker is None and i > 0 and toks[i - 1].text in {".", "!", "?", ":"}:
                before_span = next(((x, y) for x, y in spans if y == i), None)
                subject = _first_subject(reader, toks, *before_span) if before_span is not None else None
                if subject is not None and _voice_subject(toks, *subject):
                    # 'The letter, signed by 40 economists, is blunt. “...”': the document the sentence is about
                    voice = reader.speaker(toks, *subject)
                    speaker = reader.resolve(voice, p_index) if voice is not None and voice.name \
                        and voice.pronoun in {None, "def-doc"} else None
            if speaker is None and i == 0 and topic is not None and topic[1] == p_index - 1:
                # a list of quotations under topic lines ("On the Federal Reserve:" then “...”): the list's speaker,
                # the last one quoted, else the person the text was about before the first topic line (a name in
                # a topic line, "On his rival, Gov. Ellen Strand:", is what the quotation is about)
                speaker = topic[0] or (recent[0] if recent is not None and p_index - recent[1] <= 8 else None)
            if speaker is None and i == 0:
                person = reader.last_person
                if person is not None and reader.last_person_acts and p_index - reader.last_person_paragraph \
                        <= _PERSON_REACH and (recent is None or reader.last_person_paragraph > recent[1]):
                    # a quoted paragraph a few after one about a person named since the last quotation
                    # ('Ana Kovac stormed out. The room emptied. “We were sold out.”'): that person speaks
                    speaker = person
                elif recent is not None and p_index - recent[1] <= 3:
                    # a quoted paragraph a little after the last quotation: its speaker goes on
                    speaker = recent[0]
            found.append(_Attribution(speaker, [inner], "", [t.region]))
        person = reader.last_person
        if person is not None and reader.last_person_paragraph >= p_index - _PERSON_REACH and (
                any(t.is_word and t.lower in _PERSON_PRONOUNS for t in _first_sentence(toks))
                or any(f.speaker is not None and f.speaker.name == person.name for f in found)):
            # "He grew up in the valley.", or a quotation the last person goes on speaking: a paragraph about the
            # same person keeps "he"/"she" pointing at them (a pronoun only in a later sentence may be someone
            # the paragraph opened with: "A rival wants the job. She has been campaigning.")
            reader.last_person_paragraph = p_index
        headed = name_line is not None and toks[0].is_quote
        pending_colon = colon_speaker if colon_speaker is not None and (toks[-1].text == ":" or below) else None
        name_line = _label_line(reader, toks) if pending_colon is None and not regions and not found else None
        if name_line is not None:
            pending_colon = reader.resolve(name_line, p_index)
        named = [f.speaker for f in found if f.speaker is not None and f.speaker.name]
        last_speaker = named[-1] if named else None
        quoted = [f.speaker for f in found if f.regions and f.speaker is not None and f.speaker.name]
        recent = (quoted[-1], p_index) if quoted else recent
        if not regions and not found and toks[-1].text == ":" and len(toks) <= 12 and toks[0].lower in _TOPIC_LEADS \
                and not any(t.lower in _VERBISH or reader.cue_at(toks, m, 0) is not None for m, t in enumerate(toks)):
            topic = (topic[0] if topic is not None and p_index - topic[1] <= 3 else (
                person_before or (recent[0] if recent is not None else None)), p_index)
        last = found[-1] if found else None
        carry = last if last is not None and last.regions and not last.regions[-1].closed else None
        attributions.extend(found)
        prev_found = found
    index = _RegionIndex(all_regions)
    for att in attributions:
        quote = _to_quote(att, text, index, sentence_of, indirect)
        if quote is not None:
            out.append(quote)
    out.sort(key=lambda q: (q.start, q.end))
    out = _repeated(_dedupe(out))
    return guess_speakers(out, text, entities, gaz) if entities else out


def _repeated(quotes: list[Quote]) -> list[Quote]:
    """A quotation with no cue that repeats words quoted earlier with a frame is the earlier speaker's
    ('Wasserman Schultz said the rules exist “...”.' ... 'Read that again. “...”'): commentary quotes
    the same words again to dwell on them, and whatever sentence stands before the repeat names no one."""
    framed: list[tuple[str, Quote]] = []
    out: list[Quote] = []
    for q in quotes:
        words = " ".join(re.findall(r"\w+", q.text.lower()))
        if q.direct and not q.cue and words.count(" ") >= 3:
            earlier = next((p for w, p in reversed(framed) if f" {words} " in f" {w} " and p.speaker != q.speaker), None)
            if earlier is not None:
                q = replace(q, speaker=earlier.speaker, speaker_actor=earlier.speaker_actor)
        if q.cue and q.speaker is not None:
            framed.append((words, q))
        out.append(q)
    return out


_OBJECT_OF_PREPOSITION = re.compile(rf"\b(?:{'|'.join(sorted(_STOP_PREPS | _NP_PREPS))})\s+(?:the\s+)?$", re.IGNORECASE)
#: ``Quote.speaker_basis`` of a speaker guessed by :func:`guess_speakers`, not read from a frame
NEAREST_PERSON = "nearest person"
#: how many paragraphs before a quotation's own the guess looks back for a named person
GUESS_REACH = 2


def guess_speakers(quotes: Sequence[Quote], text: str, entities: Sequence[ActorEntity],
                   gazetteer: Gazetteer) -> list[Quote]:
    """Give each direct quote without a speaker the person the text around it is about, marked as a guess.

    The guess is the nearest person named before the quotation in its own paragraph, else in the
    ``GUESS_REACH`` paragraphs before it (latest first), else the first person named after it in its own
    paragraph. Only mentions of person entities outside quotation marks count, so an organisation, a
    place, a dateline or a byline (none of them a person entity) is never the guess, nor is someone the
    quoted words name. The quote's ``speaker_basis`` says ``"nearest person"`` so a user can drop guesses;
    a guess gives no ``speaker_actor``, so no stance draft or issue link rests on it.
    """
    if not any(q.speaker is None and q.direct for q in quotes):
        return list(quotes)
    inside = [(r.start, r.end) for r in quote_regions(text)]  # sorted, not overlapping
    region_starts = [x for x, _ in inside]

    def quoted(a: int, b: int) -> bool:
        k = bisect.bisect_right(region_starts, a) - 1
        return k >= 0 and b <= inside[k][1]

    people: list[tuple[int, int, ActorEntity]] = sorted(
        (a, b, e) for e in entities for a, b in e.mentions if not quoted(a, b)
        and (e.kind == "person" or _OBJECT_OF_PREPOSITION.search(text, max(0, a - 24), a) is None))
    starts = [a for a, _, _ in people]
    paragraphs = [m.start() for m in re.finditer(r"[^\n]*\S[^\n]*", text)]  # starts of non-blank lines

    def paragraph(offset: int) -> int:
        return bisect.bisect_right(paragraphs, offset)

    out: list[Quote] = []
    for q in quotes:
        if q.speaker is not None or not q.direct:
            out.append(q)
            continue
        own = paragraph(q.start)
        i, j = bisect.bisect_left(starts, q.start), bisect.bisect_left(starts, q.end)
        # the last name before it within reach (a nearer organisation stops the guess), else the first person after
        before = people[i - 1] if i and own - paragraph(people[i - 1][0]) <= GUESS_REACH else None
        after = next((m for m in people[j:] if paragraph(m[0]) != own or m[2].kind == "person"), None)
        pick = before or (after if after is not None and paragraph(after[0]) == own else None)
        if pick is None or pick[2].kind != "person":
            out.append(q)
            continue
        # the guess names someone for the reader but gives no actor: drafts and issue links rest on attributions
        gid = pick[2].gazetteer_id
        out.append(replace(q, speaker=gazetteer.name_of(gid) if gid else pick[2].name, speaker_basis=NEAREST_PERSON))
    return out


def _frames(
    reader: _Reader, toks: list[_Tok], lo: int, hi: int, text: str, paragraph: int
) -> list[tuple[_Attribution, set[int]]]:
    """Attributions anchored on the cues of one sentence ``toks[lo:hi]``."""
    out: list[tuple[_Attribution, set[int]]] = []
    cues = [(i, c) for i in range(lo, hi) if (c := reader.cue_at(toks, i, lo)) is not None]
    lefts = [reader.left_subject(toks, i, lo) if c[1] != "according" else None for i, c in cues]
    sentence_subject: tuple[int, int] | None = None
    floor = lo  # the end of the last inverted or post-posed frame: a later one's content starts after it
    for n, (i, (lemma, frame)) in enumerate(cues):
        cue_word = toks[i].text
        if i > lo and toks[i - 1].lower in {"who", "which"} and any(
                left is not None and left[0] < i for left in lefts[n + 1:]):
            continue  # "the crews who petitioned the board say ...": the relative clause is not the attribution
        nxt_cue = hi
        nested = hi  # quotations from here on belong to a frame nested in this content
        if n + 1 < len(cues):
            # the next frame's subject ends this content ("X demanded A, and Y predicted B")
            nxt_left = lefts[n + 1]
            if nxt_left is not None and nxt_left[0] > i + 1 and toks[nxt_left[0] - 1].lower == "what" \
                    and cues[n + 1][0] + 1 < hi and toks[cues[n + 1][0] + 1].is_quote:
                # 'hoped to avoid what critics called “...”': the free relative is part of this content, its
                # quotation the critics' words
                nested = nxt_left[0]
            elif nxt_left is not None and nxt_left[0] > i + 1 and (toks[nxt_left[0] - 1].lower in _COORDINATORS
                                                                    or toks[nxt_left[0] - 1].lower in _SUBORDINATORS
                                                                    or toks[nxt_left[0] - 1].lower == "which"
                                                                    or toks[nxt_left[0] - 1].is_quote):
                nxt_cue = nxt_left[0]
                while nxt_cue - 1 > i and toks[nxt_cue - 1].lower in _COORDINATORS:
                    nxt_cue -= 1
            elif nxt_left is not None and nxt_left[0] < i < cues[n + 1][0]:
                # "Holt, who critics say is out of touch, said ...": this cue lies inside the next frame's
                # subject; its content ends with the aside
                nxt_cue = max((k for k in range(i + 1, cues[n + 1][0]) if toks[k].text == ","), default=cues[n + 1][0])
        if frame == "according":
            start = i + 2
            k = start
            while k < hi and not (toks[k].text in {",", ".", ";", ":"} or toks[k].is_quote):
                k += 1
            sp = reader.speaker(toks, start, k)
            if i == lo or (i > lo and toks[i - 1].text in {"(", "—"}) or (i - 1 >= lo and toks[i - 1].lower in {"and", "but"}):
                c_lo, c_hi = k, hi
            else:
                c_lo, c_hi = _clause_start(toks, lo, i), i
                if out and n > 0 and cues[n - 1][0] >= c_lo and sp is not None and sp.pronoun not in _SUBJECT_PRONOUNS:
                    # '"...," the clerk said, according to the Courier': a nested attribution; the clerk
                    # speaks, the Courier reports it
                    out[-1][0].via = reader.resolve(sp, paragraph)
                    continue
            _add(out, reader, sp, toks, c_lo, c_hi, text, "according to", paragraph)
            continue
        left = lefts[n]
        possessed = i - 1 > lo and re.search(r"\w['’]s$", toks[i - 1].text) is not None and toks[i - 1].capitalised \
            and toks[i].lower in AMBIGUOUS
        if possessed:
            # "brushed aside the mayor's remarks, ...": a noun cue whose source is its possessor
            owner = i - 1
            while owner - 1 >= lo and toks[owner - 1].capitalised and toks[owner - 1].lower not in _NAME_RUN_STOP:
                owner -= 1
            left = (owner, i)
        if left is None and i - 1 > lo and toks[i - 1].lower == "and" and frame == "speech" and not any(
                t.is_quote for t in toks[lo:i]) and any(t.is_quote for t in toks[i + 1:hi]):
            # "Marsh sighed and noted that ...": the subject of the first verb
            first = _first_subject(reader, toks, lo, i - 1)
            if first is not None and first[1] < i - 1 and not any(c[0] < i for c in cues[:n]):
                left = first
        # 'They want to "...," Ortiz said': the post-posed frame owns the quotation, unless an earlier cue
        # of speech already frames it ('As Ortiz claimed that "...," Haddad said ...')
        speech_before = any(c[1] == "speech" for _, c in cues[:n])
        participle = toks[i].lower.endswith("ing") and i > lo and (
            toks[i - 1].lower in _PARTICIPLE_LEAD
            # "X spoke about the talks saying: ..." is X's; "with one of its ads asking" is the ad's
            or (toks[i - 1].lower not in _PROGRESSIVE_AUX and toks[i - 1].lower not in _SUBJECT_PRONOUNS
                and not (left is not None and left[0] > lo and toks[left[0] - 1].lower == "with")))
        if participle:
            subj = sentence_subject or _first_subject(reader, toks, lo, i)
            sp = reader.speaker(toks, *subj) if subj else None
            opener = next((m for m in range(i - 2, lo, -1) if toks[m].lower in _PARTICIPLE_CLAUSES), None) \
                if sentence_subject is None and toks[i - 1].text == "," else None
            if opener is not None and _quantity_subject(toks, opener + 1, i):
                # "..., where about 50 protesters had gathered, chanting “...”": the participle goes on from the
                # nearest clause's counted subject, not the sentence's
                group = _quantity_span(reader, toks, opener + 1, i)
                sp = reader.speaker(toks, *group) if group else sp
            if sp is None and sentence_subject is not None:
                # "Brandt seemed unimpressed with Holt’ comments, telling ...": the nearest subject named nobody
                first = _first_subject(reader, toks, lo, i)
                sp = reader.speaker(toks, *first) if first else None
            c_lo = _skip_object(toks, i + 1, hi) if lemma in _TELL_VERBS else i + 1  # "telling reporters, “...”"
            _add(out, reader, sp, toks, c_lo, _clause_end(toks, c_lo, nxt_cue, hi), text, cue_word, paragraph)
            continue
        if left is not None:
            quote_at = _quote_before(toks, i, lo)
            asked = toks[quote_at].region if quote_at is not None else None
            if quote_at is not None and quote_at + 1 < left[0] and (_open_ended(toks[quote_at], text) or (
                    asked is not None and text[asked.inner_start:asked.inner_end].rstrip().endswith(("?", "!")))):
                left = (quote_at + 1, left[1])  # '“...?” a man at the back of the hall asks': the whole phrase
            sp = reader.speaker(toks, *left)
            if left[0] - 1 >= lo and toks[left[0] - 1].lower == "whose":
                sp = _whose_speaker(reader, toks, left[0] - 1, lo, sp)
            if not possessed:
                sentence_subject = left  # a later participle ("..., saying ...") continues the nearest subject
            before = left[0] - 1
            tail_end = _adjunct_end(reader, toks, i + 1, hi)
            post_posed = before >= lo and (toks[before].text == "," or toks[before].is_quote) and (
                tail_end == hi or (toks[tail_end].text in {",", ".", ":", ";", "?", "!"} and not _has_clause_after(toks, tail_end, hi))
                # '"...," Ortiz said at a rally, two hours after ...': a quotation ending in a comma
                # before the subject is the content whatever follows
                or ((_open_ended(toks[before], text) or _exclaimed(toks[before], text))
                    and tail_end < hi and toks[tail_end].text != ":" and not _following_quote(toks, tail_end, hi))
            )
            if post_posed and not toks[before].is_quote and any(
                    toks[m].lower == "who" for m in range(left[1], min(i, left[1] + 2))):
                # "a retired welder, Jim Dolan, who says, “...”": a relative clause's frame (but '“...,” Ortiz,
                # who left early, said' is post-posed)
                post_posed = False
            if post_posed and toks[before].text == "," and left[1] < i and toks[left[1]].text == "," \
                    and not _frame_ends(toks, i + 1, hi) \
                    and not any(t.is_quote or t.text == "," for t in toks[lo:before]):
                # "Ethiopia's water minister, Habtamu Itefa, rejected the charge": a name set off by commas
                # before a verb with words of its own is an appositive, the words before it its title, not what
                # was said (but "The talks are over, the minister, Ana Silva, said." reports the clause)
                post_posed = False
            if post_posed and toks[before].text == ",":
                opening = max(_clause_start(toks, lo, before), floor)
                if _opening_adverbial(toks, opening, before):
                    post_posed = False  # "In a Facebook post, Ortiz wrote: ...", "Late on Monday, ...": the writer's
            if post_posed and toks[before].text == ",":
                opening = max(_clause_start(toks, lo, before), floor)
                if opening < before and toks[opening].lower in _SUBORDINATORS and not any(
                        t.is_quote for t in toks[opening:before]):
                    # 'When the crowd booed, Ortiz added, “...”', "When the envoys gathered, few expected much": a
                    # subordinate clause before the frame is the writer's, not what was said
                    post_posed = False
            if post_posed:
                c_hi = before + (1 if toks[before].is_quote else 0)
                c_lo = max(_clause_start(toks, lo, c_hi), floor)
                parts_hi = hi
                extra = _following_quote(toks, tail_end, parts_hi)
                # 'The ministry called “Clean Seas” a model, a spokeswoman said': a frame after a whole main clause
                # reports that clause, the clause's own cue and quotation with it
                whole = toks[before].text == "," and c_lo == lo and toks[lo].lower not in _SUBORDINATORS
                _add(out, reader, sp, toks, c_lo, c_hi, text, cue_word, paragraph, extra=extra,
                     outer=(_open_ended(toks[before], text) and not speech_before) or whole)
                floor = max(floor, tail_end)
                continue
            c_lo = i + 2 if lemma in {"put it", "shoot back", "go on"} else i + 1
            if lemma in _TELL_VERBS or frame == "speech":
                c_lo = _skip_object(toks, c_lo, hi, tell=lemma in _TELL_VERBS)
            c_hi = _clause_end(toks, c_lo, nxt_cue, hi, text)
            if left[0] - 1 >= lo and toks[left[0] - 1].lower == "as" and lemma in _AS_NOTED and i + 1 < hi \
                    and toks[i + 1].text in {",", ":"} and not any(
                        reader.cue_at(toks, k, lo) is not None for k in range(i + 2, hi)):
                # "As Ortiz observed, the plan is dead": the main clause after the comma is what was observed
                c_lo = i + 2
                c_hi = _clause_end(toks, c_lo, hi, hi, text)
            elif left[0] - 1 >= lo and toks[left[0] - 1].lower in _SUBORDINATORS | {"although", "though"}:
                # "Although it criticized X, the government has continued ...": the clause ends at its comma
                c_hi = next((k for k in range(c_lo, c_hi) if toks[k].text == ","), c_hi)
            elif left[0] - 2 >= lo and toks[left[0] - 1].lower == "whose" and toks[left[0] - 2].text == ",":
                # "The senator, whose party had said the count was rigged, stayed silent": the relative clause
                # ends at the comma before the main clause's verb
                c_hi = next((k for k in range(c_lo, c_hi - 1) if toks[k].text == "," and toks[k + 1].is_word
                             and not toks[k + 1].capitalised and (re.fullmatch(r"[a-z]+ed", toks[k + 1].text)
                                                                  or _verb_like(toks, k + 1)
                                                                  or toks[k + 1].lower in _IRREGULAR_PAST
                                                                  or toks[k + 1].lower in reader.cues)), c_hi)
            negator = next((k for k in range(left[1], i) if toks[k].lower in {"not", "n't", "’t", "never"}), None)
            if negator is not None and frame in {"intent", "belief"}:
                c_lo = negator  # "do not want to be seen pulling back": the content keeps its negation
            _add(out, reader, sp, toks, c_lo, c_hi, text, cue_word, paragraph, nested=nested)
            continue
        # no subject before the cue: inverted ("..., said Haddad") or nothing; after "told" the phrase
        # is the one told ("..., told reporters"), never the speaker
        right = reader.right_subject(toks, i, hi) if lemma not in _TELL_VERBS or (
            i > lo and toks[i - 1].is_quote) else None  # '"Why?" asked Ortiz', '"...," warned Haddad
        if right is None:
            continue
        before = i - 1
        if before < lo or not (toks[before].text == "," or toks[before].is_quote or toks[before].text in {"?", "!"}):
            continue
        sp = reader.speaker(toks, *right)
        sentence_subject = right  # '"...," said Haddad, urging ...': the participle is Haddad's
        c_hi = before + (1 if toks[before].is_quote else 0)
        # '"A," said Ortiz. "B," added Haddad.' in one sentence: B's content starts after Ortiz's frame
        c_lo = max(_clause_start(toks, lo, c_hi), floor)
        tail = _adjunct_end(reader, toks, right[1], hi)
        extra = _following_quote(toks, tail, hi)
        _add(out, reader, sp, toks, c_lo, c_hi, text, cue_word, paragraph, extra=extra,
             outer=_open_ended(toks[before], text) and not speech_before)
        floor = max(floor, tail)
    return out


def _whose_speaker(reader: _Reader, toks: list[_Tok], whose: int, lo: int, sp: _Speaker | None) -> _Speaker | None:
    """The speaker of a cue in a "whose" clause ("Ana Ruiz, whose party had demanded a recount"): the thing the
    clause names belongs to the antecedent, so it speaks as "Ana Ruiz's party", not as a bare "party" that
    names nobody (kept as it is when no antecedent can be read)."""
    if sp is None or sp.name is None or sp.pronoun is not None:
        return sp
    end = whose - 1 if whose - 1 >= lo and toks[whose - 1].text == "," else whose
    k = end - 1
    if k >= lo and toks[k].capitalised:
        # a name: its capitalised words, with the small words inside it ("the League of Tenants")
        while k - 1 >= lo and (toks[k - 1].capitalised or (toks[k - 1].lower in {"of", "for", "the", "and"}
                                                            and k - 2 >= lo and toks[k - 2].capitalised)):
            k -= 1
        if k - 1 >= lo and toks[k - 1].lower == "the":
            k -= 1
    else:
        # a description: back to its article over lower-case words that are no verbs ("the senator")
        while k - 1 >= lo and end - k < 5 and toks[k].is_word and toks[k].lower not in _ARTICLES \
                and not toks[k].capitalised and not _verb_like(toks, k) and toks[k].lower not in reader.cues:
            k -= 1
        if k < lo or toks[k].lower not in _ARTICLES:
            return sp
    while k < end - 1 and toks[k].lower in reader.cues and not toks[k].capitalised:
        k += 1
    owner = reader.speaker(toks, k, end) if k < end else None
    if owner is None or owner.name is None or owner.pronoun is not None:
        return sp
    owner_name = owner.name if owner.actor else reader.text[toks[k].start:toks[end - 1].end]
    mark = "'" if owner_name.endswith("s") else "'s"  # "the League of Tenants' lawyers"
    return replace(sp, name=f"{owner_name}{mark} {sp.name}", person=False, start=toks[k].start)


def _interview_cast(reader: _Reader, text: str, lo: int, hi: int) -> tuple[_Speaker | None, _Speaker | None]:
    """Who asks and who answers the "Q:"/"A:" lines after an introduction ``text[lo:hi]``: the asker only from
    a sentence that says who talked to, sat down with, interviewed or put the questions to whom (the outlet's
    person, or the object of "spoke to"); the answerer is the other person of that sentence, else the last
    person named, never the asker. A place ("moved to Port Ellen") or a modifier ("by North Shore voters") is
    no one."""
    def person(np: str | None, start: int, after: str | None) -> _Speaker | None:
        name = re.search(r"[A-Z][a-z]+(?:\s+[A-Z][a-z'’-]+)+$", re.sub(r"^.*['’]s\s+", "", np or ""))
        if name is None or name.group(0) in PLACES or (after is not None and after.strip().islower()
                                                        and after.strip() not in _STOP_PREPS | _NP_PREPS | _CLAUSE_WORDS
                                                        | {"and", "last", "this", "earlier", "later"}):
            return None
        return _Speaker(name.group(0), None, person=True, start=start, end=start + len(np or ""))

    asker: _Speaker | None = None
    answerer = reader.last_person
    for m in _INTERVIEWER.finditer(text, lo, hi):
        a_np = m.group("a") if m.group("a").lower() not in _PERSON_PRONOUNS else None
        first = person(a_np, m.start("a"), None) if a_np else reader.last_person
        second = person(m.group("b"), m.start("b"), m.group("after")) if m.group("b") else None
        if m.group("put"):
            asker, answerer = first, reader.last_person
        elif m.group("did"):
            asker, answerer = first, second
        elif m.group("by"):
            asker, answerer = second, first
        elif second is not None:
            outlet_first = a_np is not None and re.search(r"['’]s\s", a_np) is not None
            outlet_second = re.search(r"['’]s\s", m.group("b")) is not None
            # "The Gazette's Jim Dolan sat down with Ana Ruiz": the outlet's person asks
            asker, answerer = (first, second) if outlet_first and not outlet_second else (second, first)
    if asker is not None and answerer is not None and (answerer.name or "").split()[-1:] == (asker.name or "").split()[-1:]:
        answerer = None
    return asker, answerer


def _named_inside(sp: _Speaker, text: str, span: tuple[int, int]) -> bool:
    """Whether a quotation names the speaker in the third person ("I like Paula" is not Paula Grange's)."""
    names = [w for w in re.findall(r"[A-Z][a-z]{2,}", sp.name or "") if w.lower() not in _TITLE_WORDS]
    return bool(names) and re.search(r"\b(?:" + "|".join(names) + r")\b", text[span[0]:span[1]]) is not None


def _signer(reader: _Reader, toks: list[_Tok], signature: re.Match[str]) -> tuple[_Speaker | None, int]:
    """The speaker a signature line names ("— Lina Haddad (@lhaddad) May 2, 2021"), and its number of tokens."""
    first = next((k for k, t in enumerate(toks) if t.start >= signature.start(2)), None)
    name_end = signature.start(2) + len(signature.group(2).rstrip("."))
    upto = next((k for k, t in enumerate(toks) if t.start >= name_end), len(toks))
    if first is None:
        return None, 0
    return reader.speaker(toks, first, upto), upto - first


#: Words of a section heading in capitals, never of a speaker's label ("WHAT HAPPENED:", "WHY IT MATTERS:",
#: "WHAT YOU CAN DO:", "KEY POINTS:").
_HEADING_WORDS = {"WHAT", "HOW", "WHY", "WHEN", "WHERE", "WHICH", "WE", "YOU", "IT", "IS", "ARE", "DO", "CAN",
                  "OUR", "YOUR", "THIS", "THAT", "THESE", "THOSE", "KEY", "NEXT", "HAPPENS", "MATTERS"}


def _transcript_label(text: str, at: int) -> re.Match[str] | None:
    """A label in capitals opening the paragraph at ``at`` ("AVERILL: ...", also inside a quoted transcript's
    opening mark), unless it names no speaker ("EDITOR'S NOTE:", "UPDATE:", "BAGHDAD:", "WHAT HAPPENED:")."""
    m = _TRANSCRIPT.match(text, at)
    words = set(re.split(r"[ .'’-]+", m.group(1))) if m else set()
    if m and (not words - _NOT_LABELS or m.group(1).title() in PLACES or words & _HEADING_WORDS):
        return None
    return m


def _title_case(text: str, a: int, b: int) -> bool:
    """Whether ``text[a:b]`` is written as a headline: most of its longer words capitalised."""
    words = re.findall(r"[^\W\d_][\w'’-]{3,}", text[a:b])
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _named_label(reader: _Reader, label: str, text: str, at: int) -> bool:
    """Whether a transcript label names a person the text named before ``at`` (by surname or full name)."""
    last = label.split()[-1].lower()
    return last in reader.full_names or re.search(
        rf"\b[A-Z][\w.'’-]* {re.escape(label.title())}\b", text[:at]) is not None


def _own_frame(reader: _Reader, toks: list[_Tok], after: int) -> bool:
    """Whether the words after a label have a frame of their own whose subject is someone other than the
    label's speaker (not "I", "we" or "you"), after a quotation: 'DOVER: “...,” the mayor said' (but in 'HOLM: I
    think the mayor said ...' the mayor is inside Holm's words)."""
    for k, t in enumerate(toks):
        if t.start < after or reader.cue_at(toks, k, 0) is None:
            continue
        if not (_after_quote(toks, k, 0) or (k > 0 and toks[k - 1].is_quote)):
            continue
        rng = reader.left_subject(toks, k, 0) or reader.right_subject(toks, k, len(toks))
        if rng is not None and not all(toks[m].lower in {"i", "we", "you"} for m in range(*rng)):
            return True
    return False


def _dash_labelled(toks: list[_Tok]) -> list[int]:
    """Quotation tokens after "- Name:" (a dash, one to five capitalised words, a colon)."""
    out: list[int] = []
    for i, t in enumerate(toks):
        if not t.is_quote or i < 3 or toks[i - 1].text != ":":
            continue
        k = i - 2
        while k >= 0 and i - 2 - k < 5 and (toks[k].capitalised or toks[k].text == "."):
            k -= 1
        if k >= 0 and k < i - 2 and toks[k].text in {"-", "–", "—"}:
            out.append(i)
    return out


#: Nouns for what someone said or wrote ("Ortiz's remarks", "Haddad's full statement").
_WORDS_NOUNS = {"remarks", "statement", "speech", "comments", "words", "interview", "letter", "tweet", "tweets",
                "post", "response", "answer", "answers", "testimony", "message", "reply", "address", "email",
                "memo", "op-ed", "essay", "column", "explanation", "exchange", "announcement"}


def _first_sentence(toks: list[_Tok]) -> list[_Tok]:
    """The tokens of a paragraph up to its first full stop, question or exclamation mark."""
    end = next((k for k, t in enumerate(toks) if t.text in {".", "?", "!"}), len(toks))
    return toks[:end]


def _possessor_of_words(reader: _Reader, toks: list[_Tok], lo: int, hi: int) -> _Speaker | None:
    """The person whose words a colon-ended sentence announces: "Read Ortiz's full statement below:", "Here is
    the statement from the Ibarra campaign:"."""
    for k in range(lo, hi):
        t = toks[k]
        if not (t.capitalised and re.search(r"['’]s?$", t.text)):
            continue
        if re.sub(r"['’]s?$", "", t.lower) in {"here", "there", "that", "what", "it", "let", "who", "where"}:
            continue  # "Here's Crowe's full statement:": a contraction, not the owner
        if not any(toks[m].lower in _WORDS_NOUNS for m in range(k + 1, min(hi, k + 4))):
            continue
        first = k
        while first - 1 >= lo and toks[first - 1].capitalised and toks[first - 1].lower not in _NAME_RUN_STOP \
                and not (first - 1 == lo and reader.cues.get(toks[lo].lower) is not None) \
                and toks[first - 1].lower not in {"watch", "read", "listen", "see", "here", "here’s", "here's"}:
            first -= 1
        name = " ".join([x.text for x in toks[first:k]] + [re.sub(r"['’]s?$", "", t.text)])
        if not name or name.isupper() or name.lower() in _DETERMINERS | _NAME_RUN_STOP:
            return None
        key = name.split()[-1].lower()
        if len(name.split()) == 1 and key in reader.full_names:
            name = reader.full_names[key][0]
        return _Speaker(name, None, person=True, start=toks[first].start, end=t.end)
    for k in range(lo, hi - 2):
        if toks[k].lower in _WORDS_NOUNS and toks[k + 1].lower in {"from", "by"}:
            # "Read the full statement from the Ibarra campaign below:": the source after "from"
            end = k + 2
            while end < hi and toks[end].is_word and toks[end].lower not in _STOP_PREPS | _CLAUSE_WORDS | {
                    "below", "here", "above", "follows"}:
                end += 1
            sp = reader.speaker(toks, k + 2, end) if end > k + 2 else None
            if sp is not None and sp.name and sp.pronoun is None:
                return sp
    return None


def _intro_speaker(reader: _Reader, toks: list[_Tok], lo: int, hi: int, paragraph: int) -> _Speaker | None:
    """The source announced by a sentence that ends with a colon and has no frame of its own, for the
    quotation that follows: "Stated Ortiz:" (a cue, then the name), "Ortiz issued the following statement:"
    (the sentence's subject, when it names someone)."""
    while lo < hi and toks[lo].lower in {"and", "but", "so", "then"}:
        lo += 1
    if lo >= hi:
        return None
    owner = _possessor_of_words(reader, toks, lo, hi)
    if owner is not None:
        return reader.resolve(owner, paragraph)  # "Read Ortiz's full statement below:", "From Haddad's speech:"
    if toks[lo].capitalised and reader.cues.get(toks[lo].lower, ("", ""))[1] == "speech" and hi - lo >= 2 \
            and re.fullmatch(r"[A-Z][a-z]+ed|Said|Wrote|Told", toks[lo].text):
        comma = next((m for m in range(lo + 2, hi) if toks[m].text == ","), hi)
        sp = reader.speaker(toks, lo + 1, comma)  # "Added Haddad:", "Wrote the governor:", "Said Ada Holm, a nurse:"
        return reader.resolve(sp, paragraph) if sp is not None and (sp.name or sp.pronoun) else None
    subject = _first_subject(reader, toks, lo, hi)
    if subject is None:
        return None
    end = subject[1]
    while end < hi and end - subject[0] < 10 and toks[end].is_word and not _verb_like(toks, end) \
            and toks[end].lower not in _CLAUSE_WORDS | _STOP_PREPS and toks[end].lower not in reader.cues \
            and not (not toks[end].capitalised and toks[end].lower.endswith("ed")):
        end += 1  # "Republican presidential nominee Ray Hollis issued ...": the phrase runs to its verb
    if end < hi and end > subject[1] and toks[end - 1].capitalised:
        subject = (subject[0], end)
    if subject[1] - subject[0] == 1 and toks[subject[0]].lower in _PERSON_PRONOUNS:
        return reader.resolve(reader.speaker(toks, *subject), paragraph)  # "He released this statement:"
    sp = reader.speaker(toks, *subject)
    if sp is None or sp.pronoun is not None or subject[1] >= hi or not toks[subject[1]].is_word \
            or _aside_to_comma(reader, toks, subject[1], hi):
        return None  # "Oh, and here is the best part:", "Oh well, the list goes on:": no subject before a verb
    named = sp.actor or (sp.person and subject[1] - subject[0] <= 6) or toks[subject[1] - 1].lower in _WORDS_NOUNS \
        or _voice_subject(toks, *subject) or (
        subject[1] - subject[0] <= 4 and any(t.capitalised for t in toks[subject[0] + 1 : subject[1]])) or (
        subject[1] - subject[0] <= 5 and any(t.lower in _WORDS_NOUNS for t in toks[subject[1] : hi]))
    # "The mayor's office released the following statement:": a described source announcing its own words
    return reader.resolve(sp, paragraph) if named else None


_CANDIDACY = {"hopeful", "frontrunner", "front-runner", "nominee", "candidate", "challenger", "incumbent", "contender"}


def _role_before_name(toks: list[_Tok], k: int, hi: int) -> bool:
    """A lower-case role between a capitalised modifier and a full name ("Republican hopeful Marco Delvecchio",
    "Democratic candidate Ana Ruiz"): part of one subject phrase."""
    low = toks[k].lower
    return k + 2 < hi and toks[k + 1].capitalised and toks[k + 2].capitalised and (
        low in _CANDIDACY or low in _PERSON_NOUNS or low in _PERSON_ROLES or _PERSON_HEAD.search(low) is not None)


def _person_before_place(toks: list[_Tok], k: int, lo: int) -> int | None:
    """The start of "a man" when ``toks[k]`` opens where an indefinite person is ("A man in the back row", "one
    voter at the diner"): the place is part of the subject phrase, not its start."""
    if k - 2 < lo or toks[k].lower not in {"in", "at", "from", "near", "outside", "inside"}:
        return None
    det = next((m for m in range(k - 1, max(lo, k - 3) - 1, -1) if toks[m].lower in {"a", "an", "one", "another"}), None)
    if det is None or (det > lo and toks[det - 1].is_word) or not all(
            toks[m].is_word and not toks[m].capitalised for m in range(det + 1, k)):
        return None
    return det if _person_description(" ".join(["a"] + [t.text for t in toks[det + 1:k]])) else None


def _voice_subject(toks: list[_Tok], lo: int, hi: int) -> bool:
    """Whether a subject phrase is a document, an ad, a sign or a crowd (see ``_VOICE_HEADS``): its head is the
    last word before a preposition or a comma ("A footnote in the report", "The letter, signed by ...")."""
    if hi - lo < 2 or (toks[lo].lower not in _DETERMINERS and not re.search(r"['’]s?$", toks[lo].text)):
        return False
    end = next((m for m in range(lo + 1, hi) if toks[m].lower in _STOP_PREPS | _NP_PREPS or not toks[m].is_word), hi)
    return toks[end - 1].lower in _VOICE_HEADS


_PARTY_TAG = re.compile(r"\((?:[DRI]|Dem|Rep|Ind)\.?\s*[-–]\s*[A-Z][\w. ]{1,16}\)$")


def _label_line(reader: _Reader, toks: list[_Tok]) -> _Speaker | None:
    """A paragraph that only names a person, as the heading of the quotation under it (a list of reactions:
    "Rep. Lina Haddad (D-Ohio)" then the quoted paragraph, which the person before it speaks): a titled or
    party-tagged name, or a name and a described role after a comma ("Lina Haddad, a teacher"), no verb. The
    next such line then heads the next quotation and is no signature of the one above it."""
    if not toks or len(toks) > 14 or not toks[0].capitalised or any(
            reader.cue_at(toks, k, 0) is not None or _verb_like(toks, k) for k in range(len(toks))):
        return None
    line = reader.text[toks[0].start:toks[-1].end].rstrip(".")
    comma = next((k for k, t in enumerate(toks) if t.text == ","), len(toks))
    end = comma
    if end > 0 and toks[end - 1].text == ")":
        end = next((m for m in range(end - 1, -1, -1) if toks[m].text == "("), end)
    if end < 2 or any(not (t.capitalised or t.text in {".", "-", "’s", "'s"}) for t in toks[:end]):
        return None
    sp = reader.speaker(toks, 0, end)
    if sp is None or not sp.person or len((sp.name or "").split()) < 2 or toks[end - 1].text in NOT_ACTOR_HEADS:
        return None  # "Harbour Road, a quiet street" names a place (the actor finder's non-actor heads)
    titled = toks[0].lower in _TITLE_WORDS or _PARTY_TAG.search(line[: toks[comma - 1].end - toks[0].start]
                                                                   if comma < len(toks) else line) is not None
    described = comma < len(toks) - 1 and any(t.is_word and not t.capitalised for t in toks[comma + 1:])
    return sp if titled or described else None


def _aside_to_comma(reader: _Reader, toks: list[_Tok], k: int, hi: int) -> bool:
    """Whether a comma comes after ``toks[k]`` before anything that can be a verb: the capitalised word before
    is an interjection or an opening word ("Oh well, ...", "Yes indeed, ..."), not a clause's subject."""
    m = k
    while m < hi and m - k < 3 and toks[m].is_word and not toks[m].capitalised and not _verb_like(toks, m) \
            and toks[m].lower not in reader.cues and not re.search(r"(?:ed|s)$", toks[m].lower):
        m += 1
    return m > k and m < hi and toks[m].text == ","


_OUTLET_TAG = re.compile(r"\[([^\[\]\n]{2,60}?)\.?\]\s*$")


def _headline_source(text: str, toks: list[_Tok], i: int, end: int) -> _Speaker | None:
    """The source of an excerpt in a news round-up: a paragraph that opens with a headline in capitals and
    goes on with a quotation from the story ("CITY VOTES ON BUDGET “The council voted ...” [Daily Post]").
    The excerpt's source is that story: its headline, with the outlet named in brackets at the end."""
    words = [t for t in toks[:i] if t.is_word]
    if len(words) < 2 or any(not (t.is_word or t.text in {"’s", "'s", ":", ",", "-", "–", "—", "’", "‘", "?", "!"})
                             for t in toks[:i] if not t.is_word):
        return None
    letters = [c for t in words for c in t.text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.9 * len(letters):
        return None
    head = text[toks[0].start : toks[i - 1].end].strip(" :‘’'\"")
    outlet = _OUTLET_TAG.search(text, toks[i].end, end)
    name = f"{head} [{outlet.group(1).strip()}]" if outlet else head
    return _Speaker(name, None, start=toks[0].start, end=toks[i - 1].end)


def _initial_stop(toks: list[_Tok], k: int) -> bool:
    """The full stop of a middle initial ("K." in "Nadia K. Farrow")."""
    return toks[k].text == "." and k > 0 and len(toks[k - 1].text) == 1 and toks[k - 1].text.isupper() \
        and toks[k - 1].end == toks[k].start and k + 1 < len(toks) and toks[k + 1].capitalised


def _after_quote(toks: list[_Tok], i: int, lo: int) -> bool:
    """Whether the cue at ``i`` closes a post-posed frame: a quotation, then at most nine tokens of subject
    ('"...," Kelly charged in a speech', '"...," a notice on the door notes')."""
    return _quote_before(toks, i, lo) is not None


def _quote_before(toks: list[_Tok], i: int, lo: int) -> int | None:
    """The quotation token a few words of subject before the cue at ``i`` (see :func:`_after_quote`)."""
    table = cue_table()
    for k in range(i - 1, max(lo - 1, i - 11), -1):
        if toks[k].is_quote:
            return k if k < i - 1 else None
        if not (toks[k].is_word or toks[k].text in {"-", "’s", "'s", "."}) or toks[k].lower in table:
            return None  # '"...," Ortiz said in a conference call': "call" follows another cue
    return None


def _open_ended(tok: _Tok, text: str) -> bool:
    """A quotation token whose words end in a comma or a dash: the sentence goes on (“...,” she said)."""
    r = tok.region
    if r is None:
        return False
    inner = text[r.inner_start:r.inner_end].rstrip()
    return inner.endswith((",", "—", "–", "―"))


def _exclaimed(tok: _Tok, text: str) -> bool:
    """A quotation token whose words end in "!" or "?": before its subject and cue ('“... got to go!” some
    protesters chanted, three days after ...') it is the content whatever adjunct follows the frame."""
    r = tok.region
    return r is not None and text[r.inner_start:r.inner_end].rstrip().endswith(("!", "?"))


def _verb_like(toks: list[_Tok], k: int) -> bool:
    """An auxiliary or light verb, except the first name or surname "Will" ("Will Ortiz said", "Will wrote")."""
    t = toks[k]
    if t.lower not in _VERBISH:
        return False
    return not (t.text == "Will" and k + 1 < len(toks) and (toks[k + 1].capitalised
                                                            or toks[k + 1].lower in cue_table()))


def _plausible_subject(words: list[_Tok]) -> bool:
    """Whether tokens can name a speaker: some content word, no gerund or contraction at the head,
    not ending in a possessive ("Haddad’" is the possessor of the speaker, not the speaker)."""
    first, last = words[0], words[-1]
    if first.is_word and not first.capitalised and first.lower.endswith(("ing", "ly")):
        return False
    if re.search(r"['’](?:d|ll|re|ve|m)$", first.lower) or re.search(r"['’]$", last.text):
        return False
    stop = _FUNCTION | _TEMPORAL | _AUX_ADVERBS | _CLAUSE_WORDS | _DETERMINERS | _STOP_PREPS | _VERBISH
    content = [w for w in words if w.is_word and (w.lower not in stop or w.text == "Will")]
    if not content:
        return False
    return not (len(words) == 1 and first.lower in {"back", "first", "here", "there", "now", "instead", "meanwhile"})


def _skip_time_adjunct(toks: list[_Tok], j: int, lo: int) -> int:
    """Step left over a time adjunct before a verb ("Ortiz on May 7 predicted", "Haddad on Monday said")."""
    k = j
    while k >= lo and (toks[k].lower in _TEMPORAL or toks[k].text[:1].isdigit() or toks[k].lower in {"the", "this",
                                                                                                     "last", "next"}):
        k -= 1
    if k < j and k >= lo and toks[k].lower in {"on", "in", "at", "during", "early", "late", "since"}:
        return k - 1
    if k < j and any(toks[m].lower in {"last", "this", "earlier", "later", "yesterday", "today"} for m in range(k + 1, j + 1)):
        return k
    return j


_PARTICIPLE_CLAUSES = {"where", "when", "while", "as", "after", "because", "since", "until"}
_PLACE_PREPS = {"outside", "inside", "behind", "beside", "beneath", "along", "alongside", "past", "opposite"}
_QUANTITIES = word_set("""about some many several dozens hundreds thousands scores nearly roughly almost most few
    more""")


def _quantity_subject(toks: list[_Tok], k: int, hi: int) -> bool:
    """Whether a counted group opens a clause at ``toks[k]`` ("about 200 protesters", "dozens of supporters",
    "some marchers"): after an opening phrase's comma it is the subject, as an article or a name would be."""
    t = toks[k]
    if t.text[:1].isdigit():
        return k + 1 < hi and toks[k + 1].is_word and not toks[k + 1].capitalised
    return t.lower in _QUANTITIES and k + 1 < hi and toks[k + 1].is_word and (
        toks[k + 1].text[:1].isdigit() or toks[k + 1].lower == "of" or re.fullmatch(r"[a-z]+s", toks[k + 1].text)
        is not None)


def _quantity_span(reader: _Reader, toks: list[_Tok], k: int, hi: int) -> tuple[int, int] | None:
    """The counted group opening at ``toks[k]`` ("about 200 protesters"), up to its verb."""
    m = k
    while m < hi and m - k < 6 and toks[m].is_word and not _verb_like(toks, m) and toks[m].lower not in reader.cues \
            and not re.fullmatch(r"[a-z]+ed", toks[m].text) and toks[m].lower not in _CLAUSE_WORDS \
            and not (m > k and toks[m].lower in _STOP_PREPS | _IRREGULAR_PAST | _IRREGULAR_PARTICIPLES | _TEMPORAL):
        m += 1
    return (k, m) if m > k + 1 else None


_IRREGULAR_PARTICIPLES = word_set("""known shown seen given told written born drawn chosen taken thrown sworn grown
    caught brought bought built sent spent kept struck hidden forgotten""")


_IRREGULAR_PAST = word_set("""won lost left went came fell rose stood sat ran got made took gave held kept struck
    began broke chose drove fought found grew hid knew led met paid sent spent swore threw wrote""")


def _opening_participle(reader: _Reader, toks: list[_Tok], k: int, hi: int) -> bool:
    """Whether a sentence opens with a participial phrase ('Known as “the Iron Lady”, she ...', 'Dubbed “the
    Ghost” by rivals, ...', 'Asked “whether ...”, Ortiz smiled'): the capitalised participle is no name, so it
    is never the subject or the speaker; the subject comes after the phrase."""
    t = toks[k]
    low = t.lower
    if not (t.is_word and t.capitalised and k + 1 < hi) or low in reader.full_names:
        return False
    if not ((len(low) >= 5 and low.endswith("ed")) or low in _IRREGULAR_PARTICIPLES):
        return False
    nxt = toks[k + 1]
    return nxt.is_quote or (nxt.is_word and not nxt.capitalised and nxt.lower not in reader.cues)


def _first_subject(reader: _Reader, toks: list[_Tok], lo: int, hi: int) -> tuple[int, int] | None:
    """The subject of a sentence's main clause, after an opening adverbial ("In a statement, X ...")."""
    k = lo
    while k < hi - 1 and toks[k].lower in {"and", "but", "so", "then", "yet", "or"}:
        k += 1  # "And then Kessler went on the offensive, saying ..."
    low = toks[k].lower
    participial = low.endswith(("ly", "ing", "ed")) and k + 1 < hi and toks[k + 1].is_word \
        and not toks[k + 1].capitalised and toks[k + 1].lower not in reader.cues  # "Citing reports, ..."
    participial = participial or _opening_participle(reader, toks, k, hi)
    here = low in {"here", "there"} and k + 1 < hi and (toks[k + 1].lower in _STOP_PREPS or toks[k + 1].text == ",")
    if toks[k].is_word and (here or low in _STOP_PREPS | _PLACE_PREPS or low in _NP_PREPS
                            or low in (_CLAUSE_WORDS - {"then"})
                            or low in _TEMPORAL or low in _TIME_LEADS or participial
                            or low in {"each", "every", "last", "this", "next", "back"}):
        # an opening adverbial: the subject follows the comma after which a phrase meets a lower-case word
        commas = [m for m in range(lo, hi) if toks[m].text == ","]
        for comma in commas:
            if comma + 1 < hi and (toks[comma + 1].capitalised or toks[comma + 1].lower in _ARTICLES
                                   or _quantity_subject(toks, comma + 1, hi)) \
                    and not _place_after_place(toks, comma, hi):
                k = comma + 1  # "On April 8, Omar Sayed, another officer, spoke ..."
                break
        else:
            # "Late that night the clerk's office gave ...": a time phrase with no comma, then the subject
            m = k
            while m < hi and toks[m].is_word and (toks[m].lower in _TEMPORAL | _TIME_LEADS
                                                  or toks[m].text[:1].isdigit() or (
                                                      toks[m].lower in _TIME_FILLERS and m + 1 < hi
                                                      and (toks[m + 1].lower in _TEMPORAL | _TIME_FILLERS
                                                           or toks[m + 1].text[:1].isdigit()))):
                m += 1
            if low in _STOP_PREPS | _NP_PREPS and m == k:
                # "For forty years Britt Olander kept the light": a short phrase, then a full name and its verb
                m = k + 1
                while m < hi and m - k <= 4 and toks[m].is_word and not toks[m].capitalised \
                        and not _verb_like(toks, m) and toks[m].lower not in reader.cues:
                    m += 1
                n = m
                while n < hi and toks[n].capitalised:
                    n += 1
                if not (n - m >= 2 and n < hi and toks[n].is_word and not toks[n].capitalised):
                    return None
            elif not (low in _TIME_LEADS | _TEMPORAL and k < m < hi and toks[m].is_word):
                return None
            k = m
    start = k
    if _quantity_subject(toks, k, hi):
        return _quantity_span(reader, toks, k, hi)  # "Outside the arena, about 200 protesters gathered"
    if toks[k].lower in {"the", "a", "an", "his", "her", "their", "its"}:
        # "The former governor has said ...", "His deputy gave ...", "The mayor's office released ...": a
        # described subject runs to its verb
        m = k + 1
        while m < hi and m - k <= 6 and toks[m].is_word and toks[m].lower not in _VERBISH \
                and toks[m].lower not in reader.cues and toks[m].lower not in _CLAUSE_WORDS | _STOP_PREPS \
                and not (m > k + 1 and re.fullmatch(r"[a-z]+ed", toks[m].text)) \
                and not (toks[m - 1].lower in _VOICE_HEADS and re.fullmatch(r"[a-z]+s", toks[m].text)):
            m += 1
        if m > k + 1 and m < hi and (toks[m].lower in _VERBISH or toks[m].lower in reader.cues
                                     or re.fullmatch(r"[a-z]+ed", toks[m].text)):
            return (k, m)
        if m > k + 1 and m + 2 < hi and toks[m - 1].lower in _VOICE_HEADS and toks[m].lower in {"in", "of", "on", "from"}:
            # "A footnote in the report adds a caveat.": the document's place, then its verb
            n = m + 1
            while n < hi and n - m <= 4 and toks[n].is_word and not re.fullmatch(r"[a-z]+(?:s|ed)", toks[n].text):
                n += 1
            if n < hi and n - m <= 4 and toks[n].is_word and toks[n - 1].lower not in _ARTICLES:
                m = n
        if m > k + 1 and m < hi and (toks[m - 1].lower in _VOICE_HEADS or toks[k + 1].lower in _VOICE_HEADS) and (
                toks[m].text == "," or re.fullmatch(r"[a-z]+s", toks[m].text)):
            return (k, m)  # "The ad closes with ...", "The letter, signed by 40 economists, is ..."
    depth = 0
    while k < hi:
        t = toks[k]
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        elif depth == 0:
            if t.is_quote or (not t.is_word and t.text not in {".", "-", "’s", "'s", "&"}):
                break
            if not t.capitalised and t.lower not in _DETERMINERS and t.lower not in _NP_PREPS \
                    and t.lower not in _TITLE_WORDS and t.lower not in {"and"} and not (
                    k > start and any(re.search(r"\w['’]s$", toks[m].text) for m in range(max(start, k - 2), k))
                    and all(toks[m].is_word for m in range(max(start, k - 2), k + 1)) and t.lower not in reader.cues
                    and not _verb_like(toks, k) and not re.fullmatch(r"[a-z]+ed", t.text)):
                # "Pike's aides brushed aside ...", "Brandt’s right-hand man gathered ...": the possessor's noun
                # (and its modifier) is part of the subject
                break
        k += 1
        if k - start > 12:
            return None
    return (start, k) if k > start else None


_TIME_LEADS = {"early", "late", "earlier", "later", "last", "this", "next", "once", "then", "now", "hours", "days",
               "moments", "minutes", "weeks", "shortly", "soon", "just", "today", "yesterday", "tonight"}


#: Words that open a noun phrase after an opening adverbial's comma ("Late that night, the clerk's office ...").
_ARTICLES = {"the", "a", "an", "his", "her", "its", "their", "our"}
#: Words inside a time phrase ("late that night", "early on the morning of May 2").
_TIME_FILLERS = {"that", "the", "on", "in", "at", "of", "this", "last", "next", "same", "one", "a"}


def _opening_adverbial(toks: list[_Tok], opening: int, before: int) -> bool:
    """Whether ``toks[opening:before]`` (the words before a frame's comma) is an opening adverbial, not reported
    content: a short phrase with no verb or quotation that opens with a preposition, a time word or an adverb
    ("In a radio interview", "Late on Thursday night", "Hours after the vote", "Privately"), or a participle with
    its complement ("Asked about the plan", "Speaking to reporters")."""
    if not opening < before <= opening + 10 or not toks[opening].is_word:
        return False
    first = toks[opening].lower
    span = toks[opening:before]
    if any(t.is_quote for t in span):
        return False
    if re.fullmatch(r"[a-z]+(?:ed|ing)", first) and before - opening >= 2 and toks[opening + 1].is_word \
            and (toks[opening + 1].lower in _STOP_PREPS | _NP_PREPS | {"whether", "if", "why", "how", "what"}
                 or toks[opening + 1].lower in {"reporters", "supporters"}) \
            and not (first.endswith("ing") and first in cue_table()) \
            and not any(toks[c].text == "," and any(_verb_like(toks, m) for m in range(c + 1, before))
                        for c in range(opening + 2, before)):  # "Speaking of which, the board has resigned"
        return True  # "Asked about ...", "Speaking at ...", "Pressed on ..." (a cue in -ing is a participle frame)
    adverb = first.endswith("ly") and first not in {"only", "family", "rally", "italy", "july"}
    if not (first in _STOP_PREPS or first in _TEMPORAL or first in _TIME_LEADS or adverb):
        return False
    in_phrase = first in _STOP_PREPS
    for m, t in enumerate(span, start=opening):
        if not t.is_word or _verb_like(toks, m) or (m > opening and t.lower in _CLAUSE_WORDS - _STOP_PREPS):
            return False
        if m > opening and t.lower in _STOP_PREPS | _NP_PREPS:
            in_phrase = True
        elif m > opening and not in_phrase and (t.lower in _DETERMINERS or (t.capitalised and t.lower not in _TEMPORAL)):
            return False  # "Last year the deficit doubled, ...": a subject outside any prepositional phrase
        elif m > opening + 1 and t.lower in _DETERMINERS and toks[m - 1].lower not in _STOP_PREPS | _NP_PREPS \
                and toks[m - 1].lower not in _DETERMINERS and not (m + 1 < before and toks[m + 1].lower in _TEMPORAL):
            return False  # "Early in the morning the ferry left ...": a new noun phrase after the phrase's object
            # (not a time: "In an interview this week")
    return True


def _place_line(rest: str) -> bool:
    """Whether what follows a name on a short line makes it a place line ("New Haven, Connecticut", "Glen
    Falls, N.Y."): a comma, then a known state, country or city (or a postal abbreviation) and nothing else."""
    m = re.fullmatch(r"\s*,\s*([A-Z][\w.' -]*)", rest)
    if m is None:
        return False
    region = m.group(1).strip()
    return region.rstrip(".") in PLACES or re.fullmatch(r"[A-Z]{2}\.?|(?:[A-Z]\.){2}", region) is not None


def _place_after_place(toks: list[_Tok], comma: int, hi: int) -> bool:
    """Whether the comma splits a place name ("in Dover, Delaware, Ortiz said"): a name before it, a short
    name after it that ends at another comma, and after that comma a phrase that runs into its verb with no
    comma of its own (so "In Dover, Ortiz, the mayor, said" keeps Ortiz)."""
    if comma < 1 or not toks[comma - 1].capitalised:
        return False
    k = comma + 1
    while k < hi and k - comma <= 3 and toks[k].capitalised:
        k += 1
    if k == comma + 1 or k >= hi or toks[k].text != "," or k + 1 >= hi or not (
            toks[k + 1].capitalised or toks[k + 1].lower in _ARTICLES):  # "in Dover, Del., a voice ..."
        return False
    m = k + 1
    if toks[m].lower in _ARTICLES:  # "In Dover, Ortiz, the mayor, said": an appositive, closed by its comma
        while m < hi and toks[m].is_word:
            if _verb_like(toks, m) or re.fullmatch(r"[a-z]+ed", toks[m].text) or toks[m].lower in cue_table():
                return True  # "in Salem, Ore., a tired judge stared ...": a clause after the place
            m += 1
        return m < hi and toks[m].text != ","
    while m < hi and toks[m].is_word and (toks[m].capitalised or toks[m].lower in _TITLE_WORDS):
        m += 1
    return m < hi and toks[m].is_word


def _clause_start(toks: list[_Tok], lo: int, hi: int) -> int:
    """Start of the clause ending at ``hi``: the sentence start or after the last ``;``."""
    k = hi - 1
    while k >= lo:
        if toks[k].text == ";":
            return k + 1
        k -= 1
    return lo


def _clause_end(toks: list[_Tok], lo: int, next_cue: int, hi: int, text: str = "") -> int:
    """End of a reported clause: the sentence end, a ``;``, or a following participial cue."""
    for k in range(lo, min(hi, next_cue)):
        t = toks[k]
        if t.text == ";":
            return k
        if text and t.is_quote and k + 1 < hi and toks[k + 1].lower in _SUBORDINATORS \
                and _open_ended(t, text):
            return k + 1  # 'the pier was "safe enough," while the divers ...': the adjunct is the writer's
        if t.text == "," and k + 1 < hi and toks[k + 1].lower in _PARTICIPLE_CUES:
            return k
    return min(hi, next_cue)


def _adjunct_end(reader: _Reader, toks: list[_Tok], lo: int, hi: int) -> int:
    """Skip what may follow a post-posed cue: time words and short prepositional phrases."""
    k = lo
    while k < hi:
        t = toks[k]
        if t.is_quote and k > lo and t.region is not None and _is_title(t.region, reader.text) \
                and (toks[lo].lower in _STOP_PREPS or toks[lo].lower in _TEMPORAL):
            k += 1  # 'said on “Coffee Hour” Monday': a show's title inside the adjunct
            continue
        if t.is_quote or t.text in {",", ".", ";", ":", "?", "!"}:
            return k
        if k - lo >= 9:
            return k  # too long for an adjunct: a clause follows the cue
        if t.lower in _SUBORDINATORS:
            return hi  # '..., Hollis said when asked whether ...': the rest is an adjunct clause
        if t.lower in _VERBISH and k > lo:
            return k  # 'said the case would go on': a clause with its own verb, not an adjunct
        if t.lower in reader.cues and k + 1 < hi and toks[k + 1].lower in {"by", "on", "in", "to", "at"}:
            k += 1  # 'said in a clip shared by the club'
            continue
        if t.lower in _STOP_PREPS or t.lower in _TEMPORAL or t.lower in _DETERMINERS or t.lower in _NP_PREPS \
                or t.capitalised or t.lower in {"last", "this", "next", "reporters", "interview", "statement",
                                                 "told", "him", "her", "them", "us", "me", "news", "conference",
                                                 "speech", "rally", "email", "emailed", "phone", "telephone"}:
            k += 1
            continue
        if t.is_word and k - lo <= 8 and (t.lower not in reader.cues or t.lower in AMBIGUOUS):
            k += 1
            continue
        return k
    return hi


def _has_clause_after(toks: list[_Tok], k: int, hi: int) -> bool:
    """Whether words other than a quotation follow position ``k`` (a pre-posed frame's content)."""
    rest = [t for t in toks[k:hi] if t.text not in {",", ".", ":", ";", "?", "!"}]
    if not rest:
        return False
    if toks[k].text == ":":
        return True
    if rest[0].is_word and (rest[0].lower.endswith("ing") or rest[0].lower in _STOP_PREPS):
        return False  # "..., the judge wrote, citing precedent": an adjunct, not the content
    return not rest[0].is_quote and toks[k].text != "."


def _following_quote(toks: list[_Tok], k: int, hi: int) -> list[int]:
    """A quotation right after a mid-sentence frame (“A,” he said, “B.”)."""
    while k < hi and toks[k].text in {",", ":", "—", "–"}:
        k += 1
    if k < hi and toks[k].is_quote:
        return [k]
    return []


def _skip_object(toks: list[_Tok], k: int, hi: int, *, tell: bool = True) -> int:
    """After "told"/"said": skip an indirect object and adjuncts up to a nearby "that"."""
    for m in range(k, min(hi, k + 12)):
        if toks[m].is_quote:
            limit = 12 if toks[k].text == "," else 6  # 'joked, again using an accent, "..."'
            if m - k <= limit and all((t.is_word and t.lower not in _PARTICIPLE_CUES | _VERBISH) or t.text == ","
                                      for t in toks[k:m]) and (tell or m == k or toks[m - 1].text in {",", ":"}):
                # 'told him, "..."': the quotation is the content (not past "..., telling reporters", nor past
                # a clause of its own: 'said the charges were "baseless"')
                return m
            break
        if toks[m].text in {".", ";"}:
            break
        if toks[m].lower == "that" and m > k:
            return m + 1
        if toks[m].text in {":"}:
            return m + 1
    return _lead_time_end(toks, k, hi)


def _frame_ends(toks: list[_Tok], k: int, hi: int) -> bool:
    """Whether the sentence ends at ``k`` but for a short adjunct ("said.", "said on Monday.", "told
    reporters."): a verb with nothing of its own to say, so the words before its subject are the content."""
    end = next((m for m in range(k, hi) if toks[m].text in {".", "!", "?", ";"}), hi)
    return end - k <= 3 and all(t.lower in _TEMPORAL | _STOP_PREPS | _DETERMINERS | {"reporters", "statement", "interview"}
                                for t in toks[k:end])


def _lead_time_end(toks: list[_Tok], k: int, hi: int) -> int:
    """Past a time adjunct that opens a content ("said on Monday they were close", "said last week the
    deal ..."): the time is when it was said, not what was said. ``k`` itself where no such adjunct leads
    (a bare "today" or "Monday" may be the subject: "said today marks a new era"), or nothing follows it."""
    j = k
    if j + 1 < hi and toks[j].lower in {"on", "last", "this", "next", "early", "late"} and toks[j + 1].lower in _TEMPORAL:
        j += 2
    elif j < hi and toks[j].lower in {"earlier", "later", "yesterday"}:
        j += 1
    while k < j < hi and (toks[j].lower in _TEMPORAL or (toks[j].lower in {"this", "last", "next"} and j + 1 < hi
                                                          and toks[j + 1].lower in _TEMPORAL)):
        j += 1  # "on Monday night", "earlier this week"
    if j == k or j >= hi or not toks[j].is_word or toks[j].lower in _STOP_PREPS | _VERBISH:
        return k  # "said last week was hard": the time is the subject
    return j


def _add(
    out: list[tuple[_Attribution, set[int]]], reader: _Reader, sp: _Speaker | None, toks: list[_Tok], lo: int,
    hi: int, text: str, cue: str, paragraph: int, *, extra: Sequence[int] = (), outer: bool = False,
    nested: int | None = None,
) -> None:
    span = _content_span(toks, lo, hi, text)
    if span is None and not extra:
        if (lo < hi and toks[lo].text == ":" and all(not t.is_word and not t.is_quote for t in toks[lo:hi])) or (
                lo >= hi and 0 < lo <= len(toks) and toks[lo - 1].text == ":"):
            # "Haddad continued:" at a paragraph's end: the speaker of the quotation that follows
            out.append((_Attribution(reader.resolve(sp, paragraph), [], cue), set()))
        elif lo < hi and any(t.is_quote for t in toks[lo:hi]) and sp is not None:
            # '"Safety," said Grimm.': too short to report, but Grimm speaks the paragraph's quotations
            out.append((_Attribution(reader.resolve(sp, paragraph), [], cue), set()))
        elif sp is not None and sp.pronoun not in {"def-doc", "def-org"} and lo < hi \
                and all(t.text in {".", "!"} for t in toks[lo:hi]) \
                and reader.cues.get(cue.lower(), ("", ""))[1] in {"speech", "belief"}:
            # 'Haddad agreed. “...”': a frame with nothing to report speaks the quotation after it
            out.append((_Attribution(reader.resolve(sp, paragraph), [], cue), set()))
        return
    # quotations from ``nested`` on are the words of a frame inside this content ("what X called “...”")
    quote_tokens = {k for k in range(lo, min(hi, nested or hi)) if toks[k].is_quote} | set(extra)
    regions = [r for k in sorted(quote_tokens) if (r := toks[k].region) is not None]
    if span is not None and all(_is_title(r, text) for r in regions) and regions \
            and len(re.findall(r"\w+", text[span[0]:span[1]])) <= len(_words(regions[0], text)) + 1:
        return  # 'told "Morning Report"': a title, not content
    parts: list[tuple[int, int]] = [span] if span is not None else []
    for k in extra:
        r = toks[k].region
        if r is not None:
            parts.append((r.inner_start, r.inner_end))
    resolved = reader.resolve(sp, paragraph)
    out.append((_Attribution(resolved, parts, cue, regions, outer), quote_tokens))


def _sentence_lookup(sentences: Sequence[Sentence]) -> list[Sentence]:
    return sorted(sentences, key=lambda s: s.start)


def _sentence_index(sentences: list[Sentence], offset: int) -> int:
    lo, hi = 0, len(sentences) - 1
    best = 0
    while lo <= hi:
        mid = (lo + hi) // 2
        if sentences[mid].start <= offset:
            best = sentences[mid].index
            lo = mid + 1
        else:
            hi = mid - 1
    return best


def _to_quote(att: _Attribution, text: str, index: _RegionIndex, sentences: list[Sentence],
              indirect: bool) -> Quote | None:
    parts = sorted(att.parts)
    if not parts:
        return None
    start, end = parts[0][0], parts[-1][1]
    share = min(_direct_share(text, a, b, index.overlapping(a, b)) for a, b in parts)
    direct = share >= 0.8 or att.verbatim
    if not direct and not indirect:
        return None
    if direct and len(parts) > 1:
        words = " … ".join(text[a:b].strip() for a, b in parts)
    else:
        words = text[start:end] if len(parts) == 1 else " … ".join(text[a:b].strip() for a, b in parts)
    sp = att.speaker
    name = sp.name if sp is not None else None
    actor = sp.actor if sp is not None else None
    frame = cue_table().get(att.cue.lower(), ("", "speech"))
    # after "praised"/"vowed" the quoted words name what was praised, not necessarily the speaker's words;
    # after "said", "warned" or "called ... a" they are the speaker's
    own_words = frame[1] in {"speech", "according"} or frame[0] in _NAMING_LEMMAS
    own = set(att.regions)  # not the quotation of a frame nested in the content ("what X called “...”")
    quoted = tuple(sorted({(r.inner_start, r.inner_end) for a, b in parts for r in index.overlapping(a, b)
                           if a <= r.inner_start and r.inner_end <= b
                           and (direct or (own_words and r in own and bool(_words(r, text))
                                           and not _is_title(r, text)))}))
    return Quote(speaker=name, speaker_actor=actor, text=words, start=start, end=end, direct=direct,
                 sentence=_sentence_index(sentences, start) if sentences else 0,
                 parts=tuple(parts), cue=att.cue, quoted=quoted,
                 reported_by=att.via.name if att.via is not None else None)


def _dedupe(quotes: list[Quote]) -> list[Quote]:
    """Drop a quote whose span lies inside another quote of the same speaker (one attribution, read twice)."""
    out: list[Quote] = []
    reach = -1  # the furthest end of the quotes kept so far (sorted by start)
    for q in quotes:
        if q.end <= reach and any(o.start <= q.start and q.end <= o.end and o.speaker == q.speaker
                                  for o in out[-20:]):
            continue
        out.append(q)
        reach = max(reach, q.end)
    return out


def find_subject(
    text: str, sentence: Sentence, position: int, mentions: Sequence[Mention], gazetteer: Gazetteer | None = None
) -> tuple[str | None, str | None]:
    """Name and actor id of the subject of the verb at ``position`` (an offset into ``text``).

    Quoted words are ignored; pronouns are not resolved here (the name is None).
    """
    gaz = gazetteer or default_gazetteer()
    reader = _Reader(text, mentions, gaz)
    regions = quote_regions(text, sentence.start, sentence.end)
    toks = _tokenise(text, sentence.start, sentence.end, regions)
    at = next((k for k, t in enumerate(toks) if t.start >= position), None)
    if at is None:
        return None, None
    rng = reader.left_subject(toks, at, 0)
    if rng is None:
        return None, None
    sp = reader.speaker(toks, *rng)
    if sp is None or sp.pronoun is not None:
        return None, None
    return sp.name, sp.actor
