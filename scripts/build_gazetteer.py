"""Build the actor gazetteer (pipeline/data/actors.jsonl, leaders.jsonl) from ../shared/lexicons.

The lexicons are TSV conversions of the PETRARCH2 actor dictionaries (MIT) and CountryInfo
(CC BY-SA 3.0); see pipeline/data/README.md for provenance, licences and known gaps. This
script keeps only what an actor recognizer for commentary needs:

* countries: the canonical name, name variants that are state names (not cities, provinces,
  rivers or nicknames), demonyms (CountryInfo nationality forms, plus regular plurals), the
  acronyms among the variants (US, UAE, DPRK ...) and capitals (as metonyms);
* a few institution metonyms of the country-institutions file (the Kremlin, the White House);
* the intergovernmental organizations we give a code (NATO, EU, SCO, ...);
* heads of state and government, foreign ministers and the heads of the coded
  organizations, with the periods they held office (for the year check at run time).

Hand-curated additions live in pipeline/data/actors_supplement.tsv and are merged at load
time; this script never reads or writes that file. Output is deterministic: re-running it
on the same lexicons reproduces the files byte for byte (`--check` verifies that).

Usage (from the repository root):
    python scripts/build_gazetteer.py [--lexicons ../shared/lexicons] [--out pipeline/data] [--check]
"""
from __future__ import annotations

import argparse
import csv
import difflib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_LEXICONS = REPO.parent / "shared" / "lexicons"
DEFAULT_OUT = REPO / "pipeline" / "data"

# Open-ended periods mean "in office at the lexicons' last update" (README of the lexicons:
# latest date in the data 2015-01-26), not "today": they are closed at that date here, and
# the supplement extends the people who stayed in office.
LEXICON_LAST_UPDATE = "2015-01-26"

# Codes of the lexicons that are not current states but are kept (historic or disputed).
HISTORIC = {"SUN", "CSK", "DDR", "SCG", "KSV"}
DROP_CODES = {"KNT"}  # fictional "Kinakuta" (present in the source)

# Lexicon IGO code -> our organization code. Rows under other codes are left out.
ORG_CODES = {
    "IGOUNO": "UN", "IGOWSTNAT": "NATO", "IGOEUREEC": "EU", "IGOCAS": "SCO",
    "IGOCASCIS": "CIS", "IGOEURDEVEBR": "EBRD", "IGOBUSIMF": "IMF", "IGOSEAASN": "ASEAN",
    "IGOOPC": "OPEC", "IGOASADEVADB": "ADB", "IGOGOS": "G7", "IGOUNODEVWBK": "WB",
    "IGOWSTBUS": "OECD", "IGOMEAARL": "ARL", "IGOMOSOIC": "OIC", "IGOMOS": "OIC",
    "IGOUNOIAE": "IAEA", "IGOUNOHLHWHO": "WHO", "IGOWAFBUSWAS": "ECOWAS",
    "IGOWAFWAS": "ECOWAS", "IGOSASSAA": "SAARC", "IGOASABUS": "ECO",
}
# Rows of the plain "IGO" code that name an organization we code.
ORG_BY_NAME = {"SECURITY AND CO-OPERATION IN EUROPE": "OSCE", "SECURITY AND COOPERATION IN EUROPE": "OSCE"}
# Rows under a mapped code that are a different body or a regional programme.
ORG_EXCLUDE = {
    "WESTERN EUROPEAN UNION", "EUROPEAN COMMISSION TO THE PHILIPPINES", "BIMSTEC",
    "ASEAN DEFENSE MINISTERS", "UN MISSION IN SUDAN", "UN SPECIAL ENVOY FOR BURMA",
    "INDIAN UN PEACEKEEPER", "UN RESIDENT", "UN BODIES", "U.N. MONITOR", "UNITED NATIONS MONITOR",
    "UN MILLENNIUM PROJECT", "SPECIAL RAPPORTEUR OF THE UNITED NATIONS HUMAN RIGHTS COUNCIL",
    "UN ENVOY", "UN MISSION", "MONUC", "MONUC INDIAN CONTINGENT", "UNMIN", "DPKO",
    "UN DEPARTMENT OF PEACEKEEPING OPERATIONS", "WORLD BANK PRESIDENT", "PRESIDENT OF THE WORLD BANK",
    "THE WB", "UN Secy Gen", "UN SEC. GEN", "WORLD HEALTH ASSEMBLY",
}
ORG_WORDS = re.compile(
    r"\b(UNION|ORGANI[SZ]ATION|COUNCIL|BANK|FUND|COMMISSION|NATIONS|COMMUNITY|ASSOCIATION|"
    r"ASSEMBLY|PARLIAMENT|SECRETARIAT|AGENCY|TREATY|GROUP|CONFERENCES?|SECRETARY|REPRESENTATIVE|"
    r"CHIEF|COOPERATION|CO-OPERATION)\b")
ORG_NAMES = {
    "UN": "United Nations", "NATO": "North Atlantic Treaty Organization", "EU": "European Union",
    "SCO": "Shanghai Cooperation Organisation", "CIS": "Commonwealth of Independent States",
    "EBRD": "European Bank for Reconstruction and Development", "IMF": "International Monetary Fund",
    "ASEAN": "Association of Southeast Asian Nations",
    "OPEC": "Organization of the Petroleum Exporting Countries", "ADB": "Asian Development Bank",
    "G7": "Group of Seven", "WB": "World Bank",
    "OECD": "Organisation for Economic Co-operation and Development", "ARL": "Arab League",
    "OIC": "Organisation of Islamic Cooperation", "IAEA": "International Atomic Energy Agency",
    "WHO": "World Health Organization", "ECOWAS": "Economic Community of West African States",
    "SAARC": "South Asian Association for Regional Cooperation",
    "ECO": "Economic Cooperation Organization",
    "OSCE": "Organization for Security and Co-operation in Europe",
}

# Words that may surround a country name inside an official state name.
STATE_WORDS = {
    "REPUBLIC", "KINGDOM", "PEOPLE'S", "PEOPLES", "PEOPLES'", "DEMOCRATIC", "FEDERAL",
    "FEDERATION", "ISLAMIC", "ARAB", "SOCIALIST", "UNITED", "STATE", "STATES", "OF", "THE",
    "AND", "COMMONWEALTH", "PRINCIPALITY", "SULTANATE", "EMIRATE", "EMIRATES", "GRAND", "DUCHY",
    "UNION", "FEDERATIVE", "PLURINATIONAL", "BOLIVARIAN", "ORIENTAL", "COOPERATIVE",
    "INDEPENDENT", "HASHEMITE", "NORTH", "SOUTH", "EAST", "WEST", "NORTHERN", "SOUTHERN",
    "EASTERN", "WESTERN", "CENTRAL", "ISLANDS", "ISLAND", "GREAT", "GREATER", "NEW", "SAINT",
    "ST.", "ST", "MAINLAND", "SOVIET", "COMMUNIST", "NATIONALIST", "EMPIRE", "DR", "RD", "REP.",
}
# Function words kept lower case in display forms.
PARTICLES = {"of", "the", "and", "for", "in", "on", "to", "at", "de", "du", "da", "del", "la",
             "le", "el", "al", "y", "e", "und", "van", "von", "den", "der", "das", "dos", "des",
             "bin", "ibn"}
KEEP_UPPER = {"UN", "EU", "US", "UK", "NATO", "OSCE", "WHO", "G7", "G20"}
DEMONYM_END = re.compile(r"(IAN|EAN|AN|ESE|ISH|I|IC|MAN|WOMAN|MEN|ER|OT|EK|IK|YZ|IZ|CH|SS)$")
NAME_END = re.compile(r"(STAN|LAND|IA|A|Y|O|E|US)$")
# Variants of the lexicons that read as names although they end like demonyms, or the
# reverse; and single words too ambiguous in English to keep.
FORCE_NAME = {"JAPAN", "IRAN", "OMAN", "SUDAN", "JORDAN", "BHUTAN", "TAIWAN", "VATICAN",
              "BRUNEI", "HAITI", "MALAWI", "BURUNDI", "DJIBOUTI", "FIJI", "MALI", "KIRIBATI",
              "NIPPON", "HINDUSTAN", "YEMEN", "BAHRAIN", "LEBANON", "GABON",
              "CAMEROON", "MACAU", "ISRAEL", "SAMOA", "NIUE", "PALAU", "NAURU", "TUVALU",
              "GUAM", "KOSOVA", "KOSOVE", "TURKIYE", "TUERKIYE", "GREAT BRITIAN"}
# The lexicons' canonical phrase of an entry that merged several primary lines.
CANONICAL_FIX = {"DEU": "GERMANY"}
FORCE_DEMONYM = {"TURK", "UZBEK", "KYRGYZ", "KIRGHIZ", "TAJIK", "GREEK", "THAI", "SWISS",
                 "FRENCH", "DUTCH", "CZECH", "SCOT", "WELSH", "DANE", "SWEDE", "FINN", "POLE",
                 "SERB", "CROAT", "SLOVAK", "SLOVENE", "LAO", "SOVIET", "AUSSIE", "KIWI",
                 "BRITON", "TURKMEN", "KOSOVAR", "EMIRATI", "SWAZI", "BASOTHO", "MOTSWANA",
                 "BATSWANA", "KUWAITI", "ISRAELI", "PAKISTANI", "BANGLADESHI", "IRAQI",
                 "YEMENI", "OMANI", "QATARI", "SAUDI", "NEPALI", "AZERI", "AFGHAN"}
DROP_VARIANT = {
    # Common English words, given names or other places that the lexicons list as variants.
    "JERSEY", "GEORGIA (COUNTRY)", "KIWI", "POLE", "SWEDE", "DANE", "FINN", "CHAPARHAR",
    "MOONLAND", "WINDWARD COAST", "BRAZA", "THE NATURE ISLAND", "SOVIET OCCUPIED AFGHANISTAN",
    "CROWN JEWEL OF THE BRITISH EMPIRE", "AUROBINDA SARANI", "STRAYA", "'NAM", "OCCUPIED TERRITORIES",
    "CHRISTMAS", "HUTU", "GAZA", "WEST BANK", "AL HIND", "SCOT", "SCOTSMAN", "SCOTSWOMAN",
    "SCOTLAND", "WALES", "WELSH", "WELSHMAN", "WELSHWOMAN", "ENGLAND", "ENGLISHMAN",
    "ENGLISHWOMAN", "NORTHERN IRISH", "NORTHERN IRISHMAN", "NORTHERN IRISHWOMAN",
    "WESTERN GEORGIA", "GEORGIA PROPER", "ESTADO LIBRE ASOCIADO", "UNION ISLANDS", "CATHOLIC",
}
# Institutions of the country-institutions file that stand for their state (metonyms).
INSTITUTION_METONYMS = {"KREMLIN", "WHITE HOUSE", "THE WHITE HOUSE", "NUMBER 10 DOWNING STREET", "PENTAGON"}

LEADER_ROLES = {"head_of_state", "head_of_government", "foreign_minister"}
TITLE_WORDS = {
    "PRESIDENT", "PRIME", "SECRETARY", "VICE", "FOREIGN", "CHANCELLOR", "KANZLER",
    "BUNDESKANZLER", "FORMER", "AMBASSADOR", "GOV.", "GOVERNOR", "GENERAL", "PRESIDENT-ELECT",
    "SENATOR", "MR", "MR.", "MRS", "MRS.", "MS", "MS.", "DR", "DR.", "KING", "QUEEN", "PREMIER",
    "DEPUTY", "THE", "LEADER", "MINISTER", "SEN.", "PRES.", "PM", "CROWN", "PRINCE", "EMIR",
    "SHEIKH", "AYATOLLAH", "GEN.", "COL.", "COLONEL", "MARSHAL", "CHAIRMAN", "SUPREME", "LORD",
    "LADY", "BARONESS", "SIR", "HIS", "HER", "SECRETARY-GENERAL",
}
INNER_TITLES = {"SECRETARY", "PRESIDENT", "MINISTER", "CHANCELLOR", "PREMIER", "SECRETARY-GENERAL"}
# Single-word leader variants that are given names of other people or English words.
LEADER_WORD_EXCLUDE = {"ALBERT", "STEPHENSON", "JFK", "LBJ", "FDR"}


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def split(field: str) -> list[str]:
    return [v.strip() for v in field.split("|") if v.strip()]


def display(phrase: str, *, acronym: bool = False) -> str:
    """UPPER CASE source phrase -> the form we show and match case-sensitively.

    Title case, with particles in lower case, dotted initials (D.C., U.N.) and the acronyms
    of the organizations we code (UN, EU) kept in upper case.
    """
    if acronym:
        return phrase
    words = []
    for i, word in enumerate(phrase.split()):
        lower = word.lower()
        if re.fullmatch(r"([A-Z]\.)+[A-Z]?\.?", word) or word in KEEP_UPPER:
            words.append(word)
        elif i and lower in PARTICLES:
            words.append(lower)
        else:
            # Capitalize after hyphens too (Guinea-Bissau), not after apostrophes (People's).
            words.append("-".join(w[:1].upper() + w[1:] for w in lower.split("-")))
    return " ".join(words)


def initials(name: str) -> set[str]:
    words = [w for w in re.split(r"[\s-]+", name) if w]
    full = "".join(w[0] for w in words if w[0].isalpha())
    content = "".join(w[0] for w in words if w.lower() not in PARTICLES and w[0].isalpha())
    return {full, content}


def is_acronym(variant: str, names: list[str]) -> bool:
    """True for US, U.S., UAE, D.P.R.K. ...: letters that are the initials of a longer name."""
    bare = strip_the(variant)
    letters = re.sub(r"[.\s]", "", bare)
    if not re.fullmatch(r"[A-Z]{2,5}", letters):
        return False
    if re.fullmatch(r"([A-Z]\.\s?){2,}[A-Z]?\.?", bare):
        return True
    return any(letters in initials(n) for n in names if " " in n)


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def classify(variant: str, first_demonym: str | None, names: list[str]) -> str:
    """name, demonym or abbreviation for a country variant.

    CountryInfo's nationality field starts with the adjective (AFGHAN, CHINESE) and goes on
    with name variants and misspellings (AFGANISTAN, CHAINA), so a variant is a demonym when
    it is closer to that adjective than to the state's names (GIAPAN is a name, UKRANINIAN a
    demonym); without an adjective the suffix decides.
    """
    if is_acronym(variant, names):
        return "abbreviation"
    words = variant.split()
    if variant in FORCE_NAME or (len(words) > 1 and words[-1] in STATE_WORDS):
        return "name"
    if variant in FORCE_DEMONYM or words[-1] in FORCE_DEMONYM:
        return "demonym"
    if variant.endswith("S") and (variant[:-1] == first_demonym or variant[:-1] in FORCE_DEMONYM):
        return "demonym"
    if first_demonym:
        to_demonym = similarity(variant, first_demonym)
        to_name = max(similarity(variant, n) for n in names if n != first_demonym)
        return "demonym" if to_demonym > to_name else "name"
    if DEMONYM_END.search(words[-1]) and not NAME_END.search(words[-1]):
        return "demonym"
    return "name"


def plural(demonym: str) -> str | None:
    """Americans, Kazakhstanis, Uzbeks; none for Chinese, British, Swiss, Frenchman."""
    if re.search(r"(AN|I|EK|IK|KH|RK|ER|ON|OT)$", demonym) and not demonym.endswith("MAN"):
        return demonym + "S"
    return None


def strip_the(variant: str) -> str:
    return re.sub(r"^THE\s+", "", variant)


def is_state_name(variant: str, stems: set[str]) -> bool:
    """REPUBLIC OF GEORGIA, PEOPLE'S REPUBLIC OF CHINA; not GREAT WALL OF CHINA."""
    words = variant.split()
    if not any(w in stems for w in words):
        return False
    return all(w in stems or w in STATE_WORDS for w in words)


def country_variants(row: dict[str, str], canonical: str) -> dict[str, str]:
    """Variant (UPPER CASE, no leading THE) -> mention type, for one country row."""
    nationality = split(row["nationality_forms"])
    capitals = split(row["capitals"])
    excluded = set(split(row["major_cities"])) | set(split(row["regions"])) | set(capitals)
    first_demonym = nationality[0] if nationality else None
    stems = {canonical} | {w for w in canonical.split() if w not in STATE_WORDS}
    if first_demonym and " " not in first_demonym:
        stems.add(first_demonym)
    names = [canonical] + split(row["name_variants"])
    candidates = [canonical] + nationality
    for variant in split(row["name_variants"]):
        bare = strip_the(variant)
        close = " " not in bare and max(similarity(bare, s) for s in stems) >= 0.85
        # without CountryInfo forms every variant that is not a city or province is a name
        if not nationality or close or is_state_name(bare, stems) or is_acronym(bare, names):
            candidates.append(variant)
    kept: dict[str, str] = {}
    for variant in map(strip_the, candidates):
        if (variant in DROP_VARIANT or variant in excluded or variant in kept or "(" in variant
                or "," in variant or not re.search(r"[A-Z]", variant)):
            continue
        kept[variant] = "name" if variant == canonical else classify(variant, first_demonym, names)
    for variant, mention in list(kept.items()):
        if mention == "demonym" and (p := plural(variant)) and p not in kept:
            kept[p] = "demonym"
    return kept


def country_places(row: dict[str, str], known: set[str]) -> list[str]:
    """Cities, provinces, rivers: places, never actors.

    The recognizer uses them so that "in Almaty" or "Inner Mongolia" is neither read as an
    actor (Mongolia) nor kept as an UNCODED candidate of the statistical NER.
    """
    phrases = split(row["name_variants"]) + split(row["major_cities"]) + split(row["regions"])
    return sorted({display(strip_the(v)) for v in phrases
                   if strip_the(v) not in known and v not in DROP_VARIANT and "(" not in v
                   and "," not in v and re.search(r"[A-Z]{3}", v)})


def build_countries(rows: list[dict[str, str]]) -> tuple[list[dict], dict[str, str]]:
    """One record per current state (ISO alpha-3 code) or kept historic code."""
    actors, code_of = [], {}
    for row in rows:
        code, iso3 = row["code"], row["iso3"]
        if code in DROP_CODES or not (iso3 or code in HISTORIC):
            continue
        ours = iso3 or code
        code_of[code] = ours
        canonical = CANONICAL_FIX.get(code, row["canonical_name"])
        capitals = [c for c in split(row["capitals"]) if c not in DROP_VARIANT]
        kept = country_variants(row, canonical)
        aliases = [{"text": display(v, acronym=m == "abbreviation"), "mention": m}
                   for v, m in kept.items()]
        aliases += [{"text": display(c), "mention": "metonym"} for c in capitals]
        actors.append({
            "code": ours, "label": "COUNTRY", "name": display(canonical),
            "historic": ours in HISTORIC, "aliases": dedupe(aliases),
            "places": country_places(row, set(kept) | set(capitals)),
            "sources": ["PETRARCH2 Phoenix.Countries.actors.txt", "CountryInfo.120116.txt"],
        })
    return actors, code_of


def dedupe(aliases: list[dict]) -> list[dict]:
    seen, out = set(), []
    for alias in aliases:
        key = alias["text"].lower()
        if key not in seen:
            seen.add(key)
            out.append(alias)
    return out


def add_institutions(rows: list[dict[str, str]], actors: list[dict], code_of: dict[str, str]) -> None:
    by_code = {a["code"]: a for a in actors}
    for row in rows:
        actor = by_code.get(code_of.get(row["country"], ""))
        if actor is None:
            continue
        for variant in split(row["name_variants"]):
            if variant in INSTITUTION_METONYMS:
                actor["aliases"].append({"text": display(strip_the(variant)), "mention": "metonym"})
        actor["aliases"] = dedupe(actor["aliases"])


def build_organizations(rows: list[dict[str, str]]) -> list[dict]:
    aliases: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        code = ORG_CODES.get(row["code"])
        if code is None and row["code"] == "IGO":
            code = next((c for k, c in ORG_BY_NAME.items() if k in row["canonical_name"]), None)
        if code is None or row["canonical_name"] in ORG_EXCLUDE:
            continue
        for variant in split(row["name_variants"]):
            bare = strip_the(variant)
            if variant in ORG_EXCLUDE or bare in ORG_EXCLUDE:
                continue
            acronym = bool(re.fullmatch(r"[A-Z.]{2,8}", bare)) and " " not in bare
            if not acronym and not ORG_WORDS.search(bare) and not bare.startswith(("UN ", "U.N. ")):
                continue  # a person filed under the organization
            if re.fullmatch(r"G \d+", bare):
                bare, acronym = bare.replace(" ", ""), True
            aliases[code].append({"text": display(bare, acronym=acronym),
                                  "mention": "abbreviation" if acronym else "name"})
    return [{"code": code, "label": "ORGANIZATION", "name": ORG_NAMES[code], "historic": False,
             "aliases": dedupe(sorted(aliases[code], key=lambda a: a["text"])), "places": [],
             "sources": ["PETRARCH2 Phoenix.International.actors.txt"]}
            for code in sorted(aliases)]


def parse_periods(field: str, code_of: dict[str, str]) -> list[dict]:
    periods = []
    for item in split(field):
        if " " not in item:
            continue
        code, dates = item.split(" ", 1)
        if code.endswith("ELI") or "/" not in dates:
            continue
        start, end = dates.split("/", 1)
        root = code_of.get(code[:6]) or code_of.get(code[:3])
        if root is None:
            continue
        periods.append({"code": root,
                        "start": None if start == ".." else start,
                        "end": LEXICON_LAST_UPDATE if end == "open" else (None if end == ".." else end),
                        "open_ended": end == "open"})
    return periods


def leader_variants(row: dict[str, str], given_names: set[str]) -> list[str]:
    out = []
    for variant in [row["name"]] + split(row["name_variants"]):
        words = variant.split()
        if (not words or words[0] in TITLE_WORDS or "ADMINISTRATION" in words
                or set(words) & INNER_TITLES or re.search(r"[()]", variant)):
            continue
        if len(words) > 1 and words[1] in TITLE_WORDS:  # "US PRESIDENT CARTER"
            continue
        if len(words) == 1 and (variant in LEADER_WORD_EXCLUDE or variant in given_names):
            continue
        out.append(display(variant))
    return list(dict.fromkeys(out))


def build_leaders(rows: list[dict[str, str]], code_of: dict[str, str]) -> list[dict]:
    given_names = {r["name"].split()[0] for r in rows if len(r["name"].split()) > 1}
    people = []
    for row in rows:
        roles = set(row["role_class"].split("|"))
        if roles & LEADER_ROLES:
            periods = parse_periods(row["coded_periods"], code_of)
        elif "igo_official" in roles:
            periods = igo_periods(row)
        else:
            continue
        variants = leader_variants(row, given_names)
        if not periods or not variants:
            continue
        people.append({"name": display(re.sub(r"[()]", "", row["name"]).strip()), "aliases": variants,
                       "role": sorted(roles & (LEADER_ROLES | {"igo_official"})),
                       "offices": sorted(periods, key=lambda p: (p["start"] or "", p["code"])),
                       "source": row["source_file"]})
    people.sort(key=lambda p: (p["name"], json.dumps(p["offices"])))
    return people


def igo_periods(row: dict[str, str]) -> list[dict]:
    """Heads of the UN and NATO (the only IGO officials the lexicons attribute clearly)."""
    roots, role = row["actor_roots"].split("|"), row["roles"]
    if roots == ["IGOUNO", "ELI"]:  # the secretaries-general (IGOrulers.txt)
        code = "UN"
    elif roots == ["IGOWST"] and role == "NATO":
        code = "NATO"
    else:
        return []
    if row["name"].startswith("SECRETARY-GENERAL"):
        return []
    end = row["last_date"] or (LEXICON_LAST_UPDATE if row["open_ended"] == "yes" else None)
    return [{"code": code, "start": row["first_date"] or None, "end": end,
             "open_ended": row["open_ended"] == "yes"}]


def resolve_conflicts(actors: list[dict]) -> None:
    """Give a phrase listed under several codes (SERBIA: SRB and SCG) to the closest name.

    Current states win over historic ones; among equals, the state whose canonical name is
    most similar to the phrase keeps it.
    """
    owners: dict[str, list[dict]] = defaultdict(list)
    for actor in actors:
        for alias in actor["aliases"]:
            owners[alias["text"].lower()].append(actor)
    for phrase, candidates in owners.items():
        if len(candidates) < 2:
            continue
        best = max(candidates, key=lambda a: (not a["historic"], similarity(phrase, a["name"].lower()),
                                              a["code"]))
        for actor in candidates:
            if actor is not best:
                actor["aliases"] = [a for a in actor["aliases"] if a["text"].lower() != phrase]


def dumps(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def build(lexicons: Path) -> dict[str, str]:
    countries, code_of = build_countries(read_tsv(lexicons / "actors_countries.tsv"))
    add_institutions(read_tsv(lexicons / "actors_country_institutions.tsv"), countries, code_of)
    orgs = build_organizations(read_tsv(lexicons / "actors_organizations.tsv"))
    leaders = build_leaders(read_tsv(lexicons / "actors_leaders.tsv"), code_of)
    actors = sorted(countries, key=lambda a: a["code"]) + orgs
    resolve_conflicts(actors)
    return {"actors.jsonl": dumps(actors), "leaders.jsonl": dumps(leaders)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lexicons", type=Path, default=DEFAULT_LEXICONS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="fail if the files are not up to date")
    args = parser.parse_args(argv)
    if not (args.lexicons / "actors_countries.tsv").exists():
        print(f"build_gazetteer: no lexicons at {args.lexicons} (expected actors_countries.tsv)",
              file=sys.stderr)
        return 2
    outputs = build(args.lexicons)
    stale = []
    for name, text in outputs.items():
        path = args.out / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"build_gazetteer: out of date: {', '.join(stale)}; re-run scripts/build_gazetteer.py",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
