"""Schemathesis hooks: generated requests name what the deployment holds,
and keep the order between fields that the checks require.

A generated five-digit code names no commune of the test account, and a
generated id no directive, so almost every generated write would stop at
"unknown area" or "unknown directive" and test nothing past it. These hooks
replace area codes, record ids and report dates in generated requests with
ones the test account may use, read from the API itself; every other value
stays as generated. The choice is a function of the generated value, so a
seeded run stays repeatable. Pairs the checks want in order (a case's
status date not before its detection, results not over samples) are put in
order: JSON Schema cannot say so, and the checks are tested on their own.
"""

import json
import os
import urllib.request
import uuid
from datetime import date, timedelta

import schemathesis

BASE = os.environ["ST_BASE"]
TOKEN = os.environ["ST_TOKEN"]
DISTRICT = os.environ.get("ST_DISTRICT", "020")


def get(path):
    req = urllib.request.Request(BASE + path, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


COMMUNES = [a["code"] for a in get(f"/areas/{DISTRICT}/children")["items"]]
AREAS = [DISTRICT] + COMMUNES


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
    if "commune_code" in body:
        body["commune_code"] = pick(COMMUNES, body["commune_code"])
    for name in ("area_code", "issuer_code"):
        if name in body and not (name == "area_code" and "unit_id" in body):
            body[name] = pick(AREAS, body[name])
    if isinstance(body.get("target_codes"), list):
        body["target_codes"] = [pick(COMMUNES, c) for c in body["target_codes"]][:3]
    if "directive_id" in body:
        body["directive_id"] = pick(ids("/directives?limit=50"), body["directive_id"])
    if body.get("cluster_id") is not None:
        body["cluster_id"] = pick(ids("/clusters?limit=50"), body["cluster_id"])
    # References to records the run has not made are left out, not guessed.
    for name in ("implements_id", "body_unit_id", "unit_id"):
        body.pop(name, None)
    if "cited_ids" in body:
        body["cited_ids"] = []
    if "case_code" in body:
        body.pop("cluster_id", None)  # a cluster of another commune is refused
    if "issuer_code" in body:
        body["issuer_code"] = DISTRICT  # a commune has no areas to send to
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
