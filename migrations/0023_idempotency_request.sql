-- Issue 25: a key sent again with another request must not answer as the
-- first (a case B posted under case A's key was silently dropped). The
-- digest of the request the key was first used for: a repeat with the
-- same digest answers as the first did, another is refused. Keys claimed
-- before this kept no digest and answer as before.
alter table idempotency_keys add column request_digest text;
