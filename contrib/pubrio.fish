# fish completion for pubrio (installed as
# share/fish/vendor_completions.d/pubrio.fish)
set -l commands redeem query lookup export status forget help
complete -c pubrio -f
complete -c pubrio -n "not __fish_seen_subcommand_from $commands" -a redeem -d 'unlock contacts (spends credits)'
complete -c pubrio -n "not __fish_seen_subcommand_from $commands" -a query -d "print batches' contacts or state"
complete -c pubrio -n "not __fish_seen_subcommand_from $commands" -a lookup -d 'resolve a CSV of people to ids (buys no contacts)'
complete -c pubrio -n "not __fish_seen_subcommand_from $commands" -a export -d 'print what a journal holds (no key)'
complete -c pubrio -n "not __fish_seen_subcommand_from $commands" -a status -d "list a journal's runs (no key)"
complete -c pubrio -n "not __fish_seen_subcommand_from $commands" -a forget -d "erase people's contacts from a journal (no key)"
complete -c pubrio -n "not __fish_seen_subcommand_from $commands" -a help -d 'print the help of a command'
complete -c pubrio -n "not __fish_seen_subcommand_from $commands" -l version -d 'print the version'
complete -c pubrio -n "__fish_seen_subcommand_from help" -a 'redeem query export status'
complete -c pubrio -s h -l help -d 'print the help'

# Both commands
complete -c pubrio -n "__fish_seen_subcommand_from redeem query export status" -l output -r -F -d 'write the results to FILE atomically'
complete -c pubrio -n "__fish_seen_subcommand_from redeem query export status" -l csv-raw -d 'CSV cells as answered (no formula guard)'
complete -c pubrio -n "__fish_seen_subcommand_from export status" -l journal -r -F -d 'journal file'
complete -c pubrio -n "__fish_seen_subcommand_from export" -l format -x -a 'json csv' -d 'output format'
complete -c pubrio -n "__fish_seen_subcommand_from redeem query" -l allow-insecure-http -d 'UNSAFE: plain http to any host'
complete -c pubrio -n "__fish_seen_subcommand_from redeem query" -l input -r -F -d 'read people from FILE (- for standard input)'
complete -c pubrio -n "__fish_seen_subcommand_from redeem query" -l wait -d 'collect the contacts'
complete -c pubrio -n "__fish_seen_subcommand_from redeem query" -l max-wait -x -d 'give up waiting after SECONDS'
complete -c pubrio -n "__fish_seen_subcommand_from redeem query" -l format -x -a 'json csv' -d 'output format'
complete -c pubrio -n "__fish_seen_subcommand_from redeem query" -l api-key -x -d 'API key'
complete -c pubrio -n "__fish_seen_subcommand_from redeem query" -l api-key-file -r -F -d 'read the key from a file'
complete -c pubrio -n "__fish_seen_subcommand_from redeem query" -l base-url -x -d 'API base URL'
complete -c pubrio -n "__fish_seen_subcommand_from redeem query" -l timeout -x -d 'per-request timeout in seconds'
complete -c pubrio -n "__fish_seen_subcommand_from redeem query" -l retries -x -d 'retries after the first attempt'
complete -c pubrio -n "__fish_seen_subcommand_from redeem query" -s v -l verbose -d 'progress off a terminal, a request log'
complete -c pubrio -n "__fish_seen_subcommand_from redeem query" -s q -l quiet -d 'only results and errors'

# redeem
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l types -x -a 'email-personal email-work phone email-work,phone' -d 'contact types'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l profile-id -x -d 'profile_id sent with each batch'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l input-format -x -a 'ids csv' -d 'how to read --input'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l id-column -x -d 'CSV column of people_search_ids'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l url-column -x -d 'CSV column of LinkedIn URLs'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l delimiter -x -a ', ; tab' -d 'CSV delimiter'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l strict -d 'refuse a CSV file with any bad row'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l batch-size -x -d 'people per batch'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l parallel -x -d 'requests in flight'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l rate -x -d 'requests per minute'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l journal -r -F -d 'journal file'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l resubmit-uncertain -d 'resend uncertain people (may charge twice)'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l max-credits -x -d 'credit budget'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l dry-run -d 'print the plan, send nothing'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l refresh -d 'buy again people the journal holds'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l no-account -d 'do not read prices, quotas and balance first'
complete -c pubrio -n "__fish_seen_subcommand_from redeem" -l price -x -d 'credits a contact: email=N,phone=N'

# lookup
complete -c pubrio -n "__fish_seen_subcommand_from lookup" -F
complete -c pubrio -n "__fish_seen_subcommand_from lookup" -l output -r -F -d 'write the results to FILE atomically'
complete -c pubrio -n "__fish_seen_subcommand_from lookup" -l input -r -F -d 'read the CSV from FILE (- for standard input)'
complete -c pubrio -n "__fish_seen_subcommand_from lookup" -l similar -d 'also look up names with only a company or domain'
complete -c pubrio -n "__fish_seen_subcommand_from lookup" -l column -x -d 'the column of a field: FIELD=NAME'
complete -c pubrio -n "__fish_seen_subcommand_from lookup" -l batch-size -x -d 'entries per request'
complete -c pubrio -n "__fish_seen_subcommand_from lookup" -l profile-id -x -d 'profile_id sent with each request'
complete -c pubrio -n "__fish_seen_subcommand_from lookup" -l delimiter -x -a ', ; tab' -d 'CSV delimiter'
complete -c pubrio -n "__fish_seen_subcommand_from lookup" -l dry-run -d 'print the lookups and their worst case, send nothing'
complete -c pubrio -n "__fish_seen_subcommand_from lookup" -l api-key -x -d 'API key'
complete -c pubrio -n "__fish_seen_subcommand_from lookup" -l api-key-file -r -F -d 'read the key from a file'
complete -c pubrio -n "__fish_seen_subcommand_from lookup" -l base-url -x -d 'API base URL'

# forget
complete -c pubrio -n "__fish_seen_subcommand_from forget" -l journal -r -F -d 'the journal to erase from'
complete -c pubrio -n "__fish_seen_subcommand_from forget" -l unforget -d 'take the marks off: they may be bought again'
complete -c pubrio -n "__fish_seen_subcommand_from forget" -l older-than -x -d 'erase contacts collected before DURATION ago'
