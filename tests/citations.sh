#!/bin/sh
# Every citation of the specification resolves to a heading of docs/spec/,
# and nothing refers to the specification outside the repository.
#
# The grammar checked here is the one docs/spec/README.md defines:
#
#   citation := NAME [":"] ["section" | "sections"] [list]
#   NAME     := [PATH "/"] ( "kernel-facts" [".md"] | "vectors.md"
#               | "style.md" | "models.md" | "kernel-vm.md" | "seed.md" )
#   list     := item { SEP item }        SEP := "," | "and" | "or"
#                                        ("and", "or" only before a number)
#   item     := SECTION [ "-" SECTION ] { qualifier }
#             | "source" TAG | TAG       (kernel-facts only; TAG := S<n>)
#   SECTION  := digits { "." digits }    resolves to a heading "## N." or
#                                        "### N.M ..." of docs/spec/NAME
#
# The list ends at the first of: ";", ":" before a space, a sentence end
# (". " or a final "."), a quote, a backquote, "|", "*/", a closing
# bracket that was opened before NAME, a blank line, or an item that does
# not start with a SECTION.  Text in brackets opened after NAME is a
# qualifier and never holds citations.  After a qualifier that ends in a
# number ("steps 7", "item 2", "row 3"), further bare integers belong to
# it ("steps 7, 8") until a dotted SECTION comes.  `row "TEXT"` and
# `rows "A", "B"` qualifiers must name a table row of docs/spec/NAME whose
# text, cells joined by spaces, contains TEXT (line breaks read as spaces).  A citation may run
# over several lines of one comment or paragraph; comment leaders
# ("*", "#", "//") at the start of a continued line are skipped.
#
# Numbers not preceded by a NAME are not citations and are not checked:
# write "kernel-facts 2.9", never a bare "(2.9)" for a fact.  A path
# "spec/NAME.md" must name a file of docs/spec/, "models N" must be written
# "models.md N", and "../shared", "shared/spec" and "shared/seed" may
# appear only under .ci/.  This script is not scanned itself.
# CITATIONS_LIST=1 lists every citation found and the sections it names,
# on stderr.
. "${top_srcdir:-.}/tests/lib.sh"

top=${top_srcdir:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -d "$top/docs/spec" ]; then
	not_ok "docs/spec exists under $top"
	finish
	exit 1
fi

# The files scanned for citations (text only; tests/data is test input,
# and vectors/json, in a release tarball, the JSON export of the YAML
# beside it, which is scanned).
(
	cd "$top" || exit 1
	for f in README.md; do [ -f "$f" ] && echo "$f"; done
	find lib include backends cli bench tests vectors docs \
		\( -path tests/data -o -path vectors/json \) -prune -o \
		-type f -print 2>/dev/null
) | grep -v '^tests/citations\.sh$' | sort >"$tmp/cite-files"

# The files scanned for references to the outside specification: the
# whole tree but .ci/, version control, build trees and generated files.
(
	cd "$top" || exit 1
	find . \( -path ./.ci -o -path ./.git -o -path './build*' \
		-o -path ./_build -o -path ./autom4te.cache \
		-o -path ./tests/citations.sh -o -name 'nestref-*' \) \
		-prune -o -type f -print 2>/dev/null |
		sed 's|^\./||' |
		grep -Ev '^(configure|Makefile\.in|aclocal\.m4|config\.(h\.in|log|status)|libtool)$'
) | sort >"$tmp/shared-files"

perl -e '
use strict;
use warnings;

my ($top, $cite_list, $shared_list, $out) = @ARGV;
my $names = qr/kernel-facts(?:\.md)?|vectors\.md|style\.md|models\.md|kernel-vm\.md|seed\.md/;

# What each spec file offers: heading numbers, source tags, table rows.
my (%heads, %tags, %rows, %spec_files);
opendir(my $dh, "$top/docs/spec") or die "docs/spec: $!";
for my $f (grep { /\.(md|json)$/ } readdir $dh) {
	$spec_files{$f} = 1;
	next unless $f =~ /\.md$/;
	open(my $fh, "<", "$top/docs/spec/$f") or die "$f: $!";
	(my $key = $f) =~ s/\.md$//;
	while (my $l = <$fh>) {
		$heads{$key}{$1} = 1 if $l =~ /^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s/;
		$tags{$key}{$1} = 1 if $l =~ /^\|\s*(S\d+)\s*\|/;
		push @{$rows{$key}}, $l if $l =~ /^\|/;
	}
	close $fh;
}
closedir $dh;

sub norm { my $s = shift; $s =~ s/\s+/ /g; return $s; }

my (@bad, $n_cit, $n_sec, $n_row);
$n_cit = $n_sec = $n_row = 0;

sub bad { push @bad, "$_[0]:$_[1]: $_[2]"; }

# The text a citation at line $i, column $col may run over: the rest of
# that line, then up to five continued lines of the same comment or
# paragraph, joined with spaces.
sub scope_text {
	my ($lines, $i, $col) = @_;
	my $t = substr($lines->[$i], $col);
	$t =~ s/\s+$//;
	for my $j ($i + 1 .. $i + 5) {
		last if $j > $#$lines;
		my $c = $lines->[$j];
		$c =~ s{^\s*(?:\*(?!/)|//|#)?\s?}{};
		last if $c =~ /^\s*$/ || $c =~ m{^\s*\*/};
		$t .= " " . $c;
		$t =~ s/\s+$//;
	}
	return $t;
}

# Tokens of a citation list, at bracket depth 0.
sub tokens {
	my ($t) = @_;
	my @tok;
	my $depth = 0;
	pos($t) = 0;
	while (pos($t) < length $t) {
		if ($t =~ /\G\s+/gc) { next; }
		if ($t =~ /\G([(\[{])/gc) { $depth++; next; }
		if ($t =~ /\G([)\]}])/gc) {
			last if $depth == 0;
			$depth--;
			next;
		}
		if ($depth) { $t =~ /\G[^()\[\]{}]+/gc or $t =~ /\G./gc; next; }
		if ($t =~ /\G"([^"]*)"/gc) { push @tok, ["QUOTE", $1]; next; }
		if ($t =~ m{\G(?:;|\||`|\*/|"|:(?=\s|$)|\.(?=\s|$))}gc) { last; }
		if ($t =~ /\G(\d+(?:\.\d+)*)(?![\w])(?!\.\d)/gc) { push @tok, ["NUM", $1]; next; }
		if ($t =~ /\G,/gc) { push @tok, ["SEP", ","]; next; }
		if ($t =~ /\G-(?=\s*\d)/gc) { push @tok, ["DASH", "-"]; next; }
		if ($t =~ /\G([\w][\w\x27.-]*\w|\w)/gc) {
			my $w = $1;
			if ($w =~ /^(?:and|or)$/ && $t =~ /\G\s+\d/) { push @tok, ["SEP", $w]; }
			else { push @tok, ["WORD", $w]; }
			next;
		}
		$t =~ /\G./gc;
	}
	return @tok;
}

sub check_citation {
	my ($file, $line, $name, $rest) = @_;
	(my $key = $name) =~ s/\.md$//;
	$n_cit++;
	my @tok = tokens($rest);
	my $i = 0;
	my $state = "start";
	my ($has_qual, $qual_num) = (0, 0);
	my @seen;
	my $want_sec = sub {
		my ($sec) = @_;
		$n_sec++;
		push @seen, $sec;
		bad($file, $line, "$name $sec: no section $sec in docs/spec/$key.md")
			unless $heads{$key}{$sec};
	};
	my $want_tag = sub {
		my ($tag) = @_;
		$n_sec++;
		push @seen, $tag;
		bad($file, $line, "$name $tag: no source $tag in docs/spec/$key.md")
			unless $tags{$key}{$tag};
	};
	my $want_row = sub {
		my ($text) = @_;
		$n_row++;
		my $needle = norm($text);
		return if grep { (my $r = $_) =~ tr/|/ /; index(norm($r), $needle) >= 0 }
			@{$rows{$key} || []};
		bad($file, $line, "$name row \"$text\": no such table row in docs/spec/$key.md");
	};
	while ($i < @tok) {
		my ($k, $v) = @{$tok[$i]};
		if ($state eq "start") {
			if ($k eq "WORD" && $v =~ /^(?:section|sections|source|sources)$/) { $i++; next; }
			if ($k eq "NUM") { $want_sec->($v); $state = "item"; ($has_qual, $qual_num) = (0, 0); $i++; next; }
			if ($k eq "WORD" && $v =~ /^S\d+$/ && $key eq "kernel-facts") { $want_tag->($v); $state = "item"; $i++; next; }
			last;
		}
		if ($state eq "item") {
			if ($k eq "SEP") { $state = "sep"; $i++; next; }
			if ($k eq "DASH" && $i + 1 < @tok && $tok[$i + 1][0] eq "NUM" && !$has_qual) {
				$want_sec->($tok[$i + 1][1]); $i += 2; next;
			}
			if ($k eq "WORD" && $v =~ /^rows?$/ && $i + 1 < @tok && $tok[$i + 1][0] eq "QUOTE") {
				$i++;
				while ($i < @tok && $tok[$i][0] eq "QUOTE") {
					$want_row->($tok[$i][1]);
					$i++;
					$i++ if $i + 1 < @tok && $tok[$i][0] eq "SEP" && $tok[$i + 1][0] eq "QUOTE";
				}
				($has_qual, $qual_num) = (1, 0);
				next;
			}
			last if $k eq "QUOTE";
			$has_qual = 1;
			$qual_num = ($k eq "NUM") ? 1 : 0;
			$i++;
			next;
		}
		if ($state eq "sep") {
			if ($k eq "SEP") { $i++; next; }
			if ($k eq "NUM") {
				if ($v !~ /\./ && $qual_num) { $state = "item"; $i++; next; }
				$want_sec->($v); $state = "item"; ($has_qual, $qual_num) = (0, 0); $i++; next;
			}
			if ($k eq "WORD" && $v =~ /^S\d+$/ && $key eq "kernel-facts") {
				$want_tag->($v); $state = "item"; ($has_qual, $qual_num) = (0, 0); $i++; next;
			}
			last;
		}
	}
	print STDERR "$file:$line: $name @seen\n" if $ENV{CITATIONS_LIST};
}

open(my $cl, "<", $cite_list) or die;
while (my $file = <$cl>) {
	chomp $file;
	my $path = "$top/$file";
	next unless -f $path && -T $path;
	open(my $fh, "<", $path) or die "$path: $!";
	my @lines = <$fh>;
	close $fh;
	chomp @lines;
	for my $i (0 .. $#lines) {
		my $l = $lines[$i];
		while ($l =~ m{(?<![\w./-])((?:[\w.-]+/)*)($names)(?![\w-])}g) {
			my ($path_prefix, $name) = ($1, $2);
			my $end = pos($l);
			my $rest = scope_text(\@lines, $i, $end);
			$rest =~ s/^\s*:?//;
			check_citation($file, $i + 1, $name, $rest);
		}
		while ($l =~ m{(?<![\w.-])((?:[\w.-]+/)*spec/)([\w-]+\.(?:md|json))}g) {
			my ($p, $f) = ($1, $2);
			next if $p =~ m{shared/};
			bad($file, $i + 1, "$p$f: docs/spec/ has no $f") unless $spec_files{$f};
		}
		while ($l =~ /\bmodels (\d+(?:\.\d+)*)/g) {
			bad($file, $i + 1, "\"models $1\": write \"models.md $1\"");
		}
	}
}
close $cl;

my @shared;
open(my $sl, "<", $shared_list) or die;
while (my $file = <$sl>) {
	chomp $file;
	my $path = "$top/$file";
	next unless -f $path && -T $path;
	open(my $fh, "<", $path) or die "$path: $!";
	while (my $l = <$fh>) {
		push @shared, "$file:$.: $1"
			if $l =~ m{(\.\./shared\b\S*|shared/(?:spec|seed)\S*)};
	}
	close $fh;
}
close $sl;

open(my $o, ">", "$out.bad") or die;
print $o "$_\n" for @bad;
close $o;
open($o, ">", "$out.shared") or die;
print $o "$_\n" for @shared;
close $o;
open($o, ">", "$out.counts") or die;
print $o "$n_cit citations, $n_sec section numbers and tags, $n_row table rows checked\n";
close $o;
' "$top" "$tmp/cite-files" "$tmp/shared-files" "$tmp/result" || {
	not_ok "the citation checker ran"
	finish
	exit 1
}

counts=$(cat "$tmp/result.counts")
if [ -s "$tmp/result.bad" ]; then
	not_ok "every citation resolves in docs/spec ($counts)" \
		"$(cat "$tmp/result.bad")"
else
	ok "every citation resolves in docs/spec ($counts)"
fi
if [ -s "$tmp/result.shared" ]; then
	not_ok "no reference to the specification outside the repository" \
		"$(cat "$tmp/result.shared")"
else
	ok "no reference to the specification outside the repository"
fi
finish
