# awk -v first=N -v summary=FILE -v guest=BACKEND -f differential.awk \
#	MOCK.tap GUEST.tap
#
# The differential report of `make check-kernel` (issue 4 point 3): the
# TAP of `nestref run` on the host's mock backend, then the guest's TAP of
# the same vectors on the real kernel.  Prints TAP test lines numbered
# from `first`, one per test of the guest's run, in its order:
#
#   ok N - NAME # SKIP BACKEND: REASON       the guest skipped it
#   ok N - NAME: kernel and mock agree (ok)  (or "(not ok)")
#   not ok N - NAME: kernel says X, mock says Y, then both YAML blocks
#   not ok N - NAME: kernel says X, mock skipped it (REASON) / has no NAME
#
# and, for every test the guest reports "not ok", a second line
#   not ok N - NAME: the kernel does not give the vector's answer
# with the guest's YAML block: the kernel disagrees with the vector.
# Diagnostics are "# " comment lines.  Writes to `summary` the counts
# "compared agree disagree kernel_failed guest_skipped mock_only", where
# mock_only counts the tests of the mock's run missing from the guest's.

function reset_test() {
	in_yaml = 0
	cur = ""
}

# A test line: sets status, name and skip ("" when not skipped).
function parse(line,    rest, i) {
	if (line ~ /^not ok /) {
		status = "not ok"
		rest = substr(line, 8)
	} else {
		status = "ok"
		rest = substr(line, 4)
	}
	sub(/^[0-9]+ - /, "", rest)
	name = rest
	sub(/ .*/, "", name)
	skip = ""
	# report_desc escapes '#' in descriptions as "\#", so " # " can only
	# be the directive.
	i = index(rest, " # SKIP")
	if (i) {
		skip = substr(rest, i + 7)
		sub(/^ +/, "", skip)
		if (skip == "")
			skip = "no reason given"
	}
}

function emit(text) {
	print text
	n++
}

function comments(text,    lines, k, m) {
	m = split(text, lines, "\n")
	for (k = 1; k <= m; k++)
		if (lines[k] != "")
			print "# " lines[k]
}

# The "# not checked: ..." comments of a test, each behind a prefix.
function prefixed(prefix, text,    lines, k, m) {
	m = split(text, lines, "\n")
	for (k = 1; k <= m; k++)
		if (lines[k] != "")
			print prefix substr(lines[k], 3)
}

# One side of a disagreement: its TAP line, then its YAML block, or what
# it did not check when it passed.
function side(line, yaml, note) {
	print "#   " line
	if (yaml != "")
		comments(yaml)
	else
		print "#   (passed as the vector expects)"
	if (note != "")
		comments(note)
}

# Both files: the test lines, the YAML block after a failing one and the
# "# not checked" comment after a partial one.
/^(not )?ok [0-9]+ - / {
	parse($0)
	reset_test()
	cur = name
	if (FILENAME == ARGV[1]) {
		m_line[name] = $0
		m_status[name] = status
		m_skip[name] = skip
		m_order[++m_count] = name
	} else {
		g_line[name] = $0
		g_status[name] = status
		g_skip[name] = skip
		g_order[++g_count] = name
	}
	next
}

cur != "" && /^  ---$/ {
	in_yaml = 1
}

cur != "" && in_yaml {
	if (FILENAME == ARGV[1])
		m_yaml[cur] = m_yaml[cur] $0 "\n"
	else
		g_yaml[cur] = g_yaml[cur] $0 "\n"
	if ($0 ~ /^  \.\.\.$/)
		in_yaml = 0
	next
}

cur != "" && /^# not checked/ {
	if (FILENAME == ARGV[1])
		m_note[cur] = m_note[cur] $0 "\n"
	else
		g_note[cur] = g_note[cur] $0 "\n"
	next
}

END {
	n = first
	compared = agree = disagree = kfail = gskip = monly = 0
	for (i = 1; i <= g_count; i++) {
		t = g_order[i]
		gs = g_status[t]
		if (g_skip[t] != "") {
			emit("ok " n " - " t " # SKIP " guest ": " g_skip[t])
			gskip++
			continue
		}
		compared++
		if (!(t in m_status)) {
			emit("not ok " n " - " t ": kernel says " gs \
			     ", the mock's run has no such test")
			disagree++
		} else if (m_skip[t] != "") {
			emit("not ok " n " - " t ": kernel says " gs \
			     ", mock skipped it (" m_skip[t] ")")
			disagree++
		} else if (m_status[t] == gs) {
			emit("ok " n " - " t ": kernel and mock agree (" gs ")")
			prefixed("# kernel: ", g_note[t])
			agree++
		} else {
			emit("not ok " n " - " t ": kernel says " gs \
			     ", mock says " m_status[t])
			print "# kernel (the " guest " backend in the guest):"
			side(g_line[t], g_yaml[t], g_note[t])
			print "# mock (on the host):"
			side(m_line[t], m_yaml[t], m_note[t])
			disagree++
		}
		if (gs == "not ok") {
			emit("not ok " n " - " t \
			     ": the kernel does not give the vector's answer")
			comments(g_yaml[t])
			kfail++
		}
	}
	for (i = 1; i <= m_count; i++)
		if (!(m_order[i] in g_status))
			monly++
	print compared, agree, disagree, kfail, gskip, monly > summary
}
