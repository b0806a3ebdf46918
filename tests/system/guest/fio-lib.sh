# fio output parsing, sourced by the guest's pmem benchmark and (copied to
# /scenarios in the bench host image) by the host's own floor measurement

# fio_pct FILE SECTION: "P50 P99" in microseconds from fio's "SECTION
# percentiles (unit):" block (SECTION clat or sync)
fio_pct() {
	awk -v sec="$2" '
	got == 1 {
		line = $0
		gsub(/[^0-9a-z.,=]/, "", line)
		n = split(line, kv, ",")
		for (i = 1; i <= n; i++) {
			split(kv[i], p, "=")
			if (p[1] ~ /^50(\.0*)?th$/) p50 = p[2]
			if (p[1] ~ /^99(\.0*)?th$/) p99 = p[2]
		}
		got = 2
	}
	$1 == sec && $2 == "percentiles" { unit = $3; got = 1 }
	END {
		m = unit ~ /nsec/ ? 0.001 : (unit ~ /msec/ ? 1000 : 1)
		if (p50 == "" || p99 == "") print "-1 -1"
		else printf "%.1f %.1f\n", p50 * m, p99 * m
	}' "$1"
}

# fio_avg FILE SECTION: the mean in microseconds from fio's first
# "SECTION (unit): min=..., max=..., avg=..." line (SECTION clat or sync)
fio_avg() {
	awk -v sec="$2" '
	$1 == sec && $2 ~ /^\((nsec|usec|msec)\):$/ && !done {
		gsub(/= +/, "=")	# fio pads short numbers: "avg= 1.25"
		for (i = 3; i <= NF; i++)
			if ($i ~ /^avg=/) { v = $i; sub(/^avg=/, "", v); sub(/,$/, "", v) }
		m = $2 ~ /nsec/ ? 0.001 : ($2 ~ /msec/ ? 1000 : 1)
		done = 1
	}
	END { if (v == "") print -1; else printf "%.1f\n", v * m }' "$1"
}
