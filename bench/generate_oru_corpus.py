#!/usr/bin/python3
"""Writes the corpus of hl7_parse_bench: realistic HL7 v2.5.1 ORU^R01 lab result messages.

Each message is 1-2 KB with 3-12 OBX (numeric results with UCUM units, reference ranges and
flags; coded, structured-numeric and text results), and here and there escape sequences
(\\S\\ \\T\\ \\F\\ \\R\\ \\E\\, \\.br\\, \\Xhh\\) and repetitions (patient identifiers, OBX-5).
Segments end with CR; messages are separated by one LF, so that every reader can cut the file
into messages without a framing parser. The output depends only on --seed and --megabytes.

usage: generate_oru_corpus.py --out FILE [--megabytes 64] [--seed 20260302]
"""

import argparse
import random

# (LOINC, name, UCUM unit, low, high, decimals) - a core chemistry and hematology menu.
NUMERIC_TESTS = [
    ("2345-7", "Glucose", "mg/dL", 70, 99, 0),
    ("2951-2", "Sodium", "mmol/L", 136, 145, 0),
    ("2823-3", "Potassium", "mmol/L", 3.5, 5.1, 1),
    ("2075-0", "Chloride", "mmol/L", 98, 107, 0),
    ("2028-9", "CO2", "mmol/L", 22, 29, 0),
    ("3094-0", "BUN", "mg/dL", 7, 20, 0),
    ("2160-0", "Creatinine", "mg/dL", 0.6, 1.2, 2),
    ("17861-6", "Calcium", "mg/dL", 8.6, 10.3, 1),
    ("1751-7", "Albumin", "g/dL", 3.5, 5.2, 1),
    ("1742-6", "ALT", "U/L", 7, 56, 0),
    ("1920-8", "AST", "U/L", 10, 40, 0),
    ("6690-2", "WBC", "10*3/uL", 4.5, 11.0, 1),
    ("718-7", "Hemoglobin", "g/dL", 12.0, 17.5, 1),
    ("4544-3", "Hematocrit", "%", 36, 50, 1),
    ("777-3", "Platelets", "10*3/uL", 150, 400, 0),
    ("3016-3", "TSH", "m[IU]/L", 0.4, 4.0, 2),
    ("4548-4", "HbA1c", "%", 4.0, 5.6, 1),
]
PANELS = [("24323-8", "CMP"), ("58410-2", "CBC"), ("24321-2", "BMP"), ("57021-8", "CBC W Auto Diff")]
FAMILY = ["Doe", "Smith", "Garcia", "Nguyen", "O'Brien", "Muller", "Kowalski", "Okafor", "Tanaka"]
GIVEN = ["Jane", "John", "Maria", "Wei", "Fatima", "Lars", "Amara", "Kenji", "Olga"]
CITIES = [("Aurora", "CO", "80011"), ("Ann Arbor", "MI", "48103"), ("Glenwood Spgs", "CO", "81601")]
TEXTS = [
    "Specimen hemolyzed\\T\\ repeat requested",
    "Result verified by repeat analysis\\.br\\Called to RN Lee",
    "Lipemic sample \\S\\ index 3",
    "Reference lab: Quest\\F\\Chantilly",
    "Path\\E\\review pending",
    "See note\\X0D0A\\second line",
    "Critical value read back",
]


def timestamp(rng, offset_minutes=0):
    minute = rng.randrange(0, 60 * 24) + offset_minutes
    return "202603%02d%02d%02d00-0500" % (rng.randrange(1, 29), (minute // 60) % 24, minute % 60)


def numeric(rng, test, index, when):
    loinc, name, unit, low, high, decimals = test
    value = rng.uniform(low * 0.7, high * 1.3)
    text = "%.*f" % (decimals, value)
    flag = "H" if value > high else "L" if value < low else "N"
    return "OBX|%d|NM|%s^%s^LN||%s|%s^^UCUM|%s-%s|%s|||F|||%s" % (
        index, loinc, name, text, unit, low, high, flag, when)


def other(rng, index, when):
    kind = rng.randrange(5)
    if kind == 0:
        return "OBX|%d|CWE|600-7^Bacteria identified^LN||260373001^Detected^SCT~%s^Not detected^SCT||||||F|||%s" % (
            index, rng.choice(["260415000", "264868006"]), when)
    if kind == 1:
        return "OBX|%d|SN|5802-4^Nitrite^LN||%s|||A|||F|||%s" % (
            index, rng.choice([">^11.0", "^1^:^128", "<^0.5"]), when)
    if kind == 2:
        return "OBX|%d|ST|8251-1^Comment^LN||%s||||||F|||%s" % (index, rng.choice(TEXTS), when)
    if kind == 3:
        return "OBX|%d|TX|11526-1^Pathology study^LN||%s\\.br\\%s||||||F" % (
            index, rng.choice(TEXTS), rng.choice(TEXTS))
    return "OBX|%d|NM|2345-7^Glucose^LN||%d|mg/dL^^UCUM|70-99|%s|||F|||%s" % (
        index, rng.randrange(40, 400), rng.choice(["H", "N", "HH"]), when)


def message(rng, number):
    collected = timestamp(rng)
    family, given = rng.choice(FAMILY), rng.choice(GIVEN)
    city, state, zipcode = rng.choice(CITIES)
    mrn = "MRN%07d" % rng.randrange(10**7)
    placer, filler = "O26-%07d" % number, "26%07dK" % number
    panel = rng.choice(PANELS)
    head = [
        "MSH|^~\\&|LAB^2.16.840.1.113883.3.72.7.1^ISO|RIVERSIDE^33D1234567^CLIA|EHR|CLINIC|%s||"
        "ORU^R01^ORU_R01|MSG%08d|P|2.5.1|||NE|NE|USA||||LRI_NG_RU_Profile^^2.16.840.1.113883.9.19^ISO"
        % (collected, number),
        "PID|1||%s^^^RIVERSIDE&2.16.840.1.113883.19.3.2.1&ISO^MR%s||%s^%s^%s^^^^L||19%02d%02d%02d|%s|||"
        "%d Main St^^%s^%s^%s^USA^H||^PRN^PH^^1^303^%07d" % (
            mrn, "~%09d^^^SSA^SS" % rng.randrange(10**9) if rng.random() < 0.3 else "",
            family, given, rng.choice("ABCDE"), rng.randrange(30, 100), rng.randrange(1, 13),
            rng.randrange(1, 29), rng.choice("FM"), rng.randrange(1, 9999), city, state, zipcode,
            rng.randrange(10**7)),
        "ORC|RE|%s^EHR|%s^LAB|||||||||1234^Rivera^Ana^^^^MD" % (placer, filler),
        "OBR|1|%s^EHR|%s^LAB|%s^%s^LN|||%s|||||||%s||1234^Rivera^Ana^^^^MD||||||%s|||F" % (
            placer, filler, panel[0], panel[1], collected, collected, collected),
    ]
    observations = []
    for index in range(1, rng.randrange(3, 13) + 1):
        if rng.random() < 0.8:
            observations.append(numeric(rng, rng.choice(NUMERIC_TESTS), index, collected))
        else:
            observations.append(other(rng, index, collected))
    optional = [
        "PV1|1|O|LAB^101^A^RIVERSIDE||||1234^Rivera^Ana^^^^MD",
        "SPM|1|%s&LAB^%s&EHR||SER^Serum^HL70487|||||||P^Patient^HL70369|||||||%s|%s" % (
            filler, placer, collected, collected),
        "NTE|1|L|%s" % rng.choice(TEXTS),
    ]
    # In ORU^R01 (v2.5.1 chapter 7) PV1 follows PID, notes on the order follow OBR, and the
    # specimen follows the observations.
    segments = head + observations
    size = sum(len(s) + 1 for s in segments)
    notes = 0
    for extra in rng.sample(optional, len(optional)):
        if size + len(extra) + 1 > 2048:
            continue
        if extra.startswith("PV1"):
            segments.insert(2, extra)
        elif extra.startswith("NTE"):
            notes += 1
            segments.insert(segments.index(head[3]) + notes, extra)
        else:
            segments.append(extra)
        size += len(extra) + 1
    while size < 1024:
        notes += 1
        note = "NTE|%d|L|%s" % (notes, rng.choice(TEXTS))
        segments.insert(segments.index(head[3]) + notes, note)
        size += len(note) + 1
    return "\r".join(segments) + "\r"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--megabytes", type=float, default=64)
    parser.add_argument("--seed", type=int, default=20260302)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    limit = int(args.megabytes * 1024 * 1024)
    written = 0
    number = 0
    messages = 0
    with open(args.out, "w", encoding="ascii", newline="") as out:
        while written < limit:
            number += 1
            text = message(rng, number)
            if len(text) > 2048:
                continue
            out.write(text + "\n")
            written += len(text) + 1
            messages += 1
    print("%s: %d messages, %d bytes" % (args.out, messages, written))


if __name__ == "__main__":
    main()
