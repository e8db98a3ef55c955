"""Schemathesis hooks: generated requests name what the deployment holds,
and keep the order between fields that the checks require.

A generated five-digit code names no commune of the test account, and a
generated id no directive, so almost every generated write would stop at
"unknown area" or "unknown directive" and test nothing past it. These hooks
replace area codes, record ids and report dates in generated requests with
ones the test account may use, read from the API itself; every other value
stays as generated. The choice is a function of the generated value, so a
seeded run stays repeatable, but for what must be new on every write (an
idempotency key, a case code, a directive's number, a username). Pairs the checks want in order (a case's
status date not before its detection, results not over samples) are put in
order: JSON Schema cannot say so, and the checks are tested on their own.

The coverage phase sends its cases without the map_* hooks, so `before_call`
does the same to every request just before it goes: a well-formed
Idempotency-Key made new (the phase sends one key to every operation, and a
key used again for another kind of record is refused, as it must be), the
body's codes and ids mapped as above, an edit's id one that exists and its
version the one stored. Malformed values (a key that breaks the pattern, an
id that is not a number) are left as generated: the negative cases stay.
"""

import json
import os
import re
import urllib.error
import urllib.request
import uuid
from datetime import date, timedelta

import schemathesis

BASE = os.environ["ST_BASE"]
TOKEN = os.environ["ST_TOKEN"]
DISTRICT = os.environ.get("ST_DISTRICT", "020")
CITY = os.environ.get("ST_CITY", "01")


def get(path):
    req = urllib.request.Request(BASE + path, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def stored(path):
    """The record at `path`, or None where there is none (or it may not be read)."""
    try:
        return get(path)
    except (urllib.error.HTTPError, ValueError):
        return None


COMMUNES = [a["code"] for a in get(f"/areas/{DISTRICT}/children")["items"]]
AREAS = [DISTRICT] + COMMUNES


def post(path, body):
    """A write as the run's account; None where it is refused (the administrator's pass)."""
    req = urllib.request.Request(
        BASE + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError:
        return None


# A fresh database has no directive for a task or an inspection to belong
# to: one is made first, issued on the first day the system takes, so any
# generated deadline is after it.
try:
    _directives = get("/directives?limit=1")["items"]
except urllib.error.HTTPError:
    _directives = [None]
if not _directives:
    post("/directives", {
        "issuer_code": DISTRICT, "number": f"1/KH-ST-{uuid.uuid4().hex[:6]}", "kind": "plan",
        "title": "Kế hoạch kiểm thử", "issued_on": "2019-01-01", "target_codes": COMMUNES[:3],
        "body": "people_committee",
    })


def pick(options, generated):
    """One of `options`, chosen by the generated value."""
    if not options:
        return generated
    n = sum(ord(c) for c in str(generated))
    return options[n % len(options)]


def ids(path):
    try:
        return [r["id"] for r in get(path)["items"]]
    except Exception:  # a list the account may not read: leave the id as generated
        return []


@schemathesis.hook
def map_body(context, body):
    if not isinstance(body, dict):
        return body
    # References to records the run has not made are left out, not guessed
    # (a task's or an inspection's department: it goes to an area instead).
    for name in ("implements_id", "body_unit_id", "unit_id"):
        body.pop(name, None)
    if "commune_code" in body:
        body["commune_code"] = pick(COMMUNES, body["commune_code"])
    for name in ("area_code", "issuer_code"):
        if name in body:
            body[name] = pick(AREAS, body[name])
    if isinstance(body.get("target_codes"), list):
        body["target_codes"] = [pick(COMMUNES, c) for c in body["target_codes"]][:3]
    if "directive_id" in body:
        body["directive_id"] = pick(ids("/directives?limit=50"), body["directive_id"])
        if "area_code" in body:
            # A task or an inspection goes to an area below the directive's issuer.
            body["area_code"] = pick(COMMUNES, body["area_code"])
    if "cited_ids" in body:
        body["cited_ids"] = []
    # A cluster must be of the case's or the lockdown's own commune, which
    # an edit's body may not name: left out.
    body.pop("cluster_id", None)
    if isinstance(body.get("case_code"), str):
        # Case codes are unique in the city: a new one for each write.
        body["case_code"] = "BN" + str(uuid.uuid4().int % 10**8)
    if "issuer_code" in body:
        body["issuer_code"] = DISTRICT  # a commune has no areas to send to
        if isinstance(body.get("number"), str):
            # A directive's number is unique: a new one for each write.
            body["number"] = f"{uuid.uuid4().int % 10**6}/UBND-ST"
    if isinstance(body.get("username"), str) and isinstance(body.get("role"), str):
        # An account: a new name each time, at the level its role keeps.
        body["username"] = "st." + uuid.uuid4().hex[:12]
        level = {"admin": CITY, "city": CITY, "district": DISTRICT}
        body["area_code"] = level.get(body["role"], pick(COMMUNES, body.get("area_code")))
    if body.get("body") == "department":
        body["body"] = "people_committee"  # a department needs its unit's id
    put_in_order(body)
    return body


DATE_PAIRS = [
    ("detected_on", "status_on"),
    ("opened_on", "closed_on"),
    ("started_on", "lifted_on"),
    ("issued_on", "due_on"),
    ("effective_from", "effective_to"),
    ("tested_on", "results_on"),
    ("visited_on", "follow_up_due"),
]


def put_in_order(body):
    for first, then in DATE_PAIRS:
        a, b = body.get(first), body.get(then)
        if isinstance(a, str) and isinstance(b, str) and b < a:
            body[first], body[then] = b, a
    counts = [k for k in ("positives", "results", "samples") if isinstance(body.get(k), int)]
    values = sorted(body[k] for k in counts)
    for k, v in zip(counts, values):
        body[k] = v
    if body.get("status") == "active" and "started_on" in body:
        body.pop("lifted_on", None)  # an active lockdown has not been lifted
    if body.get("status") == "lifted" and body.get("started_on") and not body.get("lifted_on"):
        body["lifted_on"] = body["started_on"]
    if body.get("results") and body.get("tested_on") and not body.get("results_on"):
        body["results_on"] = body["tested_on"]
    if body.get("verdict") == "not_met" and body.get("visited_on") and not body.get("follow_up_due"):
        body["follow_up_due"] = body["visited_on"]


@schemathesis.hook
def map_headers(context, headers):
    # A client makes a new key for each new write: a generated key repeats
    # across operations, and a key used again answers as its first write.
    if headers and "Idempotency-Key" in headers:
        headers["Idempotency-Key"] = uuid.uuid4().hex
    return headers


@schemathesis.hook
def map_path_parameters(context, params):
    if not params:
        return params
    if "commune_code" in params:
        params["commune_code"] = pick(COMMUNES, params["commune_code"])
    if "date" in params:
        # A report of the last fortnight (a date the server takes).
        days = sum(ord(c) for c in str(params["date"])) % 14
        params["date"] = (date.today() - timedelta(days=days)).isoformat()
    return params


KEY = re.compile(r"^[A-Za-z0-9_-]{8,100}$")
EDITED = re.compile(r"^/([a-z-]+)/\{id\}$")


@schemathesis.hook
def before_call(context, case, **kwargs):
    headers = case.headers if case.headers is not None else {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and KEY.match(key):
        headers["Idempotency-Key"] = uuid.uuid4().hex
    if isinstance(case.body, dict):
        map_body(context, case.body)
    if case.path_parameters:
        map_path_parameters(context, case.path_parameters)
    reported = re.match(r"^/directives/\{id\}/reports$", case.operation.path)
    if reported and isinstance(case.body, dict) and isinstance(case.body.get("area_code"), str):
        # A report on a directive comes from an area it was sent to.
        directive = stored(f"/directives/{(case.path_parameters or {}).get('id')}") or {}
        targets = [t.get("area_code") for t in directive.get("targets") or [] if isinstance(t, dict)]
        case.body["area_code"] = pick(targets, case.body["area_code"])
    if case.method.upper() not in ("PATCH", "PUT") or not isinstance(case.body, dict):
        return
    params = case.path_parameters or {}
    edited = EDITED.match(case.operation.path)
    if edited and re.fullmatch(r"[0-9]+", str(params.get("id"))) and not isinstance(params["id"], bool):
        collection = edited.group(1)
        if stored(f"/{collection}/{params['id']}") is None:
            params["id"] = pick(ids(f"/{collection}?limit=50"), params["id"])
        record = stored(f"/{collection}/{params['id']}")
    elif "commune_code" in params and "date" in params:
        record = stored(f"/daily-reports/{params['commune_code']}/{params['date']}")
    else:
        return
    version = case.body.get("version")
    if isinstance(version, int) and not isinstance(version, bool):
        if record and isinstance(record.get("version"), int):
            case.body["version"] = record["version"]
        else:
            case.body.pop("version", None)
