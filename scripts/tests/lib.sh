# SPDX-License-Identifier: GPL-2.0
# Helpers for the host-side tests: each check prints "ok NAME" or
# "not ok NAME" (with the reason on the lines after it).

# expect NAME COMMAND...: the command must succeed.
expect() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "ok $name"
	else
		echo "not ok $name"
		printf '%s\n' "$out" | head -n 20 | sed 's/^/    /'
	fi
}

# expect_exit NAME CODE COMMAND...: the command must exit with CODE; its
# output is left in $out.
expect_exit() {
	local name=$1 code=$2 rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$code" ]; then
		echo "ok $name"
	else
		echo "not ok $name"
		echo "    exit $rc, expected $code"
		printf '%s\n' "$out" | head -n 20 | sed 's/^/    /'
	fi
}
