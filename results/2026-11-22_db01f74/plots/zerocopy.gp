set terminal pngcairo noenhanced size 900,560 font "sans,10"
set grid
set key outside right top
set output "results/2026-11-22_db01f74/plots/zerocopy.png"
set title "zerocopy: hot consume, zero-copy vs copy vs raw sendfile"
set ylabel "MB/s"
set style fill solid 0.6
set boxwidth 0.6
set xtics rotate by -30
set rmargin 12
set bmargin 8
set yrange [0:*]
plot "results/2026-11-22_db01f74/plots/zerocopy.dat" using 0:2:xtic(1) with boxes notitle, "" using 0:2:(sprintf("%.0f", $2)) with labels offset 0,1 notitle
