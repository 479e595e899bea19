#!/bin/sh
# tests/ablation.sh [NESTREF [VECTORS]]: shows, rather than claims, that
# every profile rule is needed.  For each rule (docs/profiles.md), each
# in-process backend and each profile that follows the rule, it runs the
# bundled vectors with that one rule switched off (--without-rule) and
# lists the tests that then fail.  A rule with no failing test on a backend
# that runs vectors for it is reported as UNSHOWN and the script exits 1.
# A backend without the capabilities a rule needs (nestref backends,
# "needs:") cannot show it and is left out, with the reason; so is the
# one pair that no vector can show, named below with why.
#
# Not part of make check or CI (about a minute): run it by hand after
# adding a rule or changing vectors, from the top of the tree:
#   tests/ablation.sh build/cli/nestref vectors
set -u
nestref=${1:-build/cli/nestref}
vectors=${2:-vectors}
[ -x "$nestref" ] || { echo "ablation.sh: no nestref at $nestref (build first)" >&2; exit 2; }
[ -d "$vectors" ] || { echo "ablation.sh: no vectors at $vectors" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$nestref" backends >"$tmp/backends" || exit 2
rules=$(sed -n '/^Rules /,$p' "$tmp/backends" | grep '^[a-z]')
# profile: rules, from the profile table
profiles=$(sed -n '/^Profiles /,/^Rules /p' "$tmp/backends" | grep '^[a-z]' |
	cut -d' ' -f1 | grep -v '^linux-next$')

# caps_of BACKEND, needs_of RULE: the capability lines of nestref backends.
caps_of() {
	sed -n "/^$1\( \*\)\{0,1\}\$/,/^  profiles:/p" "$tmp/backends" |
		sed -n 's/^  capabilities: //p' | tr -d ','
}
needs_of() {
	sed -n "/^Rules /,\$p" "$tmp/backends" | sed -n "/^$1\$/,/^  needs:/p" |
		sed -n 's/^  needs: //p' | tr -d ',' | sed 's/^none$//'
}

unshown=0
for rule in $rules; do
	echo "== $rule"
	for backend in mock smmuv3-sim; do
		missing=
		for cap in $(needs_of "$rule"); do
			caps_of "$backend" | grep -qw -- "$cap" || missing="$missing $cap"
		done
		if [ -n "$missing" ]; then
			echo "  $backend: cannot show it (lacks$missing)"
			continue
		fi
		# The selftest mock handles a whole array per call and reports
		# all of it handled or fails, so the core never calls it twice.
		if [ "$rule" = invalidate-core-loop ] && [ "$backend" = mock ]; then
			echo "  $backend: cannot show it (the mock never hands back part of an array)"
			continue
		fi
		shown=0
		ran=0
		for profile in $profiles; do
			sed -n "/^$profile\( \*\)\{0,1\}\$/,/^  rules:/p" "$tmp/backends" |
				grep '^  rules:' | grep -q "[ ,]$rule\(,\|\$\)" || continue
			ran=1
			"$nestref" run -q -b "$backend" -p "$profile" \
				--without-rule "$rule" "$vectors" >"$tmp/tap" 2>&1
			fails=$(grep '^not ok' "$tmp/tap" | sed 's/^not ok [0-9]* - \([^ ]*\).*/\1/')
			if [ -n "$fails" ]; then
				shown=1
				echo "  $backend $profile: $(echo "$fails" | wc -l) fail without it:" $fails
			else
				echo "  $backend $profile: none fail"
			fi
		done
		if [ "$ran" -eq 1 ] && [ "$shown" -eq 0 ]; then
			echo "  $backend: UNSHOWN (no vector of this backend needs $rule)"
			unshown=$((unshown + 1))
		fi
	done
done
echo "ablation: $unshown rule/backend pair(s) not shown by any vector"
[ "$unshown" -eq 0 ]
