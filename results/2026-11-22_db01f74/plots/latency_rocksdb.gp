set terminal pngcairo noenhanced size 900,560 font "sans,10"
set grid
set key outside right top
set output "results/2026-11-22_db01f74/plots/latency_rocksdb.png"
set title "latency: produce to consume, rocksdb"
set xlabel "records/s offered"
set ylabel "microseconds"
set logscale x 2
set logscale y
plot "results/2026-11-22_db01f74/plots/latency_rocksdb.dat" index 0 with linespoints lw 2 title "acks=1 p50", "results/2026-11-22_db01f74/plots/latency_rocksdb.dat" index 1 with linespoints lw 2 title "acks=1 p99", "results/2026-11-22_db01f74/plots/latency_rocksdb.dat" index 2 with linespoints lw 2 title "acks=1 p99.9", "results/2026-11-22_db01f74/plots/latency_rocksdb.dat" index 3 with linespoints lw 2 title "acks=all flush per message p50", "results/2026-11-22_db01f74/plots/latency_rocksdb.dat" index 4 with linespoints lw 2 title "acks=all flush per message p99", "results/2026-11-22_db01f74/plots/latency_rocksdb.dat" index 5 with linespoints lw 2 title "acks=all flush per message p99.9"
