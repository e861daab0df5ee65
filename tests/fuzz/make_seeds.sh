#!/usr/bin/env bash
# Regenerates the small seed corpora of corpus/<target>/ from readable text:
# protobuf text format encoded with protoc, JSON and tokens as they are.
# Crash inputs found later are added to the corpus by hand (named crash-*).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
proto="$here/../../proto"
cd "$here/corpus"

encode() {  # encode <message type> <out file> <text format>
  printf '%s\n' "$3" | protoc --encode="$1" -I "$proto" kenes/v1/protocol.proto kenes/v1/log.proto > "$2"
}

mkdir -p fuzz_client_message fuzz_log_replay fuzz_token fuzz_framework_json fuzz_framework_csv fuzz_text_op
M=kenes.v1.ClientMessage
encode $M fuzz_client_message/hello 'request_id: 1 hello { token: "v1.x.y" client_id: "c1" }'
encode $M fuzz_client_message/subscribe 'request_id: 2 subscribe { consultation_id: "demo" after_seq: 3 }'
encode $M fuzz_client_message/submit_insert 'request_id: 3 submit_op { doc_id: "indicator/R.1" base_version: 1 client_id: "c1" client_seq: 1 op { components { retain: 5 } components { insert: "Қазақ 👍" } } }'
encode $M fuzz_client_message/submit_delete 'request_id: 4 submit_op { doc_id: "indicator/R.1" base_version: 0 client_id: "c1" client_seq: 2 op { components { delete: 3 } components { insert: "x" } } }'
encode $M fuzz_client_message/presence 'presence { doc_id: "indicator/R.1" selections { anchor: 1 head: 4 } typing: true }'
encode $M fuzz_client_message/profile 'request_id: 5 update_profile { display_name: "Айгерим" gender: "f" stakeholder_group: STAKEHOLDER_GROUP_GOVERNMENT }'
encode $M fuzz_client_message/revoke 'request_id: 6 revoke_participant { participant_id: "demo-member-1" reason: "left" }'

# fuzz_log_replay: payloads as FuzzedDataProvider strings (a backslash and one
# more character end a string; a literal backslash is doubled).
L=kenes.v1.LogRecord
tmp="$(mktemp -d)"
encode $L "$tmp/1" 'consultation_created { consultation_id: "fuzz" title: "Fuzz" }'
encode $L "$tmp/2" 'author: "a" participant_invited { participant_id: "a" display_name: "A" role: 1 }'
encode $L "$tmp/3" 'author: "a" client_id: "c" client_seq: 1 text_edit { doc_id: "d" version: 1 op { components { insert: "héllo" } } }'
encode $L "$tmp/4" 'author: "a" client_id: "c" client_seq: 2 text_edit { doc_id: "d" version: 2 op { components { retain: 1 } components { delete: 2 } components { insert: "👍" } } }'
encode $L "$tmp/5" 'author: "a" profile_updated { display_name: "B" gender: "x" }'
encode $L "$tmp/6" 'author: "a" participant_revoked { participant_id: "a" reason: "r" }'
join() { for f in "$@"; do python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.stdout.buffer.write(d.replace(b"\\", b"\\\\") + b"\\n")' "$f"; done; }
join "$tmp"/1 "$tmp"/2 "$tmp"/3 "$tmp"/4 > fuzz_log_replay/created_invited_edits
join "$tmp"/1 "$tmp"/2 "$tmp"/5 "$tmp"/6 > fuzz_log_replay/created_profile_revoked
join "$tmp"/3 > fuzz_log_replay/edit_without_created
rm -rf "$tmp"

printf '%s' 'v1.eyJjIjoiZGVtbyIsInAiOiJkZW1vLWNoYWlyIiwiciI6ImNoYWlyIiwibiI6IkEiLCJleHAiOjQxMDI0NDQ4MDB9.AAAA' > fuzz_token/token_bad_mac
printf '%s' '{"c":"demo","p":"demo-chair","r":"chair","n":"Aigerim","exp":4102444800}' > fuzz_token/claims
printf '%s' '{"c":"demo","p":"x","r":"observer","exp":-1}' > fuzz_token/claims_expired
printf '%s' 'eyJjIjoiZGVtbyJ9' > fuzz_token/base64url

printf '%s' '{"edition":"E","source":"S","categories":[{"id":"R","title":"Rights","themes":[{"id":"R.A","title":"T","questions":[{"id":"R.1","title":"Q","indicators":[{"id":"R.1.1","title":"I"}]}]}]}]}' > fuzz_framework_json/small
printf '%s' '{"edition":"Қазақ","categories":[{"id":"C"},1,"x",{"themes":[{"questions":[{"indicators":[null]}]}]}]}' > fuzz_framework_json/odd_shapes
printf '%s' '{"edition":"","categories":[]}' > fuzz_framework_json/no_edition
cp ../../../consultation/frameworks/roamx-2019-sample.json fuzz_framework_json/roamx_sample

cp ../../../consultation/frameworks/roamx-2019-sample.csv fuzz_framework_csv/roamx_sample
printf 'edition,E\ncategory_id,category_title,theme_id,theme_title,question_id,question_title,indicator_id,indicator_title,core,sources\nR,Rights,R.A,T,R.A.1,Q,R.1,"I, ""quoted""",yes,a; b\n' > fuzz_framework_csv/small
printf 'edition,"multi\r\nline"\r\nsources,core,indicator_id\r\n"x,y",no,R.1\r\n,,\r\n"unterminated\n' > fuzz_framework_csv/odd_shapes

# fuzz_text_op reads its input with FuzzedDataProvider: any bytes do.
printf 'abc\\Қазақ👍' > fuzz_text_op/text_then_bytes
printf 'hello world\\\x03\x00\x05x\x01\xa0\x02\x02\x01ab\\\x00\x07' > fuzz_text_op/ops
head -c 64 /dev/zero | tr '\0' '\377' > fuzz_text_op/ff
