# tap.sh: numbered TAP results for the bash test scripts.
#
#   . tests/lib/tap.sh
#   check STATUS DESCRIPTION     one result (STATUS 0: ok); counts in n
#                                and failed
#   check_lines FILE             one result per "STATUS<TAB>description"
#                                line of FILE (written by a helper script)

n=0
failed=0

# Print one TAP result: ok/not ok, numbered, with a description.
check() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# Report each "STATUS<TAB>description" line of a file as a TAP result.
check_lines() {
	local st desc
	if [ ! -s "$1" ]; then
		check 1 "checks in $(basename "$1") ran"
		return
	fi
	while IFS=$'\t' read -r st desc; do
		check "$st" "$desc"
	done <"$1"
}
