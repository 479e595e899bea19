# bench/peers.py: run in this folder: gnuplot peers.gp
set termoption noenhanced
set style fill solid 0.6
set boxwidth 0.7
set logscale x 10
set xlabel 'ratio to its baseline (log scale)'
set yrange [-1:11]
set ytics font ',9'
set grid xtics
set key off
set label 1 'nestref and its peers, one run of 2026-12-05: host rows over QEMU''s SMMUv3, guest rows over the bare ioctl in the same guest' at screen 0.01, screen 0.96 left
set xrange [0.1:100]
set lmargin at screen 0.52
set tmargin at screen 0.91
plot 'peers.dat' using 2:1:(0.1):2:($1-0.35):($1+0.35):4:ytic(3) with boxxyerror lc variable
