#!/usr/bin/env bash
# Demo surgeries, loaded by `./engage up` through the gateway. Each request carries an Idempotency-Key, so running it
# again returns the first answer and creates nothing new.
set -euo pipefail
: "${GATEWAY_URL:?}" "${ENGAGE:?}"
token=$("$ENGAGE" token --role neighbourhood --sub seed-loader --force-wide)
from=$(date -u -d 'tomorrow' +%Y-%m-%d)
until=$(date -u -d '+6 months' +%Y-%m-%d)
soon=$(date -u -d '+7 days' +%Y-%m-%dT17:30:00Z)
soon_end=$(date -u -d '+7 days' +%Y-%m-%dT19:00:00Z)

post() { # path idempotency-key json
  local code
  code=$(curl -s -o /tmp/engage-seed.out -w '%{http_code}' -X POST "$GATEWAY_URL$1" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -H "Idempotency-Key: $2" -d "$3")
  case "$code" in 200|201) echo "[seed] $1 ($2): $code" ;; *) echo "[seed] $1 ($2) failed with $code: $(cat /tmp/engage-seed.out)"; return 1 ;; esac
}

post /api/surgeries/series seed-bulwell-monthly "{
  \"areaCode\": \"bulwell\", \"title\": \"Bulwell beat surgery\",
  \"pattern\": { \"frequency\": \"monthly\", \"dayOfWeek\": \"Tuesday\", \"nth\": 2 }, \"startTime\": \"18:30\", \"durationMinutes\": 90,
  \"venues\": [
    { \"name\": \"Bulwell Riverside Library\", \"address\": \"Main Street, Bulwell, Nottingham\", \"postcode\": \"NG6 8QJ\", \"accessible\": true, \"privateRoom\": true },
    { \"name\": \"Bulwell Community Centre\", \"address\": \"Highbury Road, Bulwell, Nottingham\", \"postcode\": \"NG6 9DA\", \"accessible\": true }
  ],
  \"from\": \"$from\", \"until\": \"$until\", \"capacity\": 12,
  \"hostOfficer\": { \"id\": \"pc-bulwell-1\", \"name\": \"PC Sam Taylor\" }, \"topics\": [\"asb\", \"burglary\", \"road-safety\"] }"

post /api/surgeries/series seed-meadows-weekly "{
  \"areaCode\": \"meadows\", \"title\": \"Meadows drop-in\",
  \"pattern\": { \"frequency\": \"weekly\", \"dayOfWeek\": \"Saturday\", \"intervalWeeks\": 2 }, \"startTime\": \"10:30\", \"durationMinutes\": 60,
  \"venues\": [ { \"name\": \"Meadows Library\", \"address\": \"Wilford Grove, Nottingham\", \"postcode\": \"NG2 2DR\", \"accessible\": true } ],
  \"from\": \"$from\", \"until\": \"$until\", \"capacity\": null,
  \"hostOfficer\": { \"id\": \"pcso-meadows-1\", \"name\": \"PCSO Priya Shah\" }, \"topics\": [\"vawg\", \"drugs\"] }"

post /api/surgeries seed-st-anns-one-off "{
  \"areaCode\": \"st-anns\", \"title\": \"St Ann's surgery: knife crime and youth safety\",
  \"startsAt\": \"$soon\", \"endsAt\": \"$soon_end\",
  \"venue\": { \"name\": \"St Ann's Valley Centre\", \"address\": \"Livingstone Street, Nottingham\", \"postcode\": \"NG3 3DQ\", \"accessible\": true, \"privateRoom\": true, \"notes\": \"Use the side entrance after 6pm.\" },
  \"capacity\": 15, \"hostOfficer\": { \"id\": \"ps-st-anns-1\", \"name\": \"PS Daniel Okafor\" }, \"topics\": [\"knife-crime\", \"exploitation\"] }"
