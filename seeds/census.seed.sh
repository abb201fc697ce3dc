#!/usr/bin/env bash
# The shipped Census 2021 tables (census2021/, OGL v3), imported by `./engage up` through the profiles API so every
# area has a profile on first run. A file already imported is recognised by its checksum and changes nothing.
set -euo pipefail
: "${GATEWAY_URL:?}" "${ENGAGE:?}"
"$ENGAGE" import-census --reason "Census 2021 figures shipped with Engagement, loaded on first run" "$(dirname "${BASH_SOURCE[0]}")"/census2021/census2021-*.csv
