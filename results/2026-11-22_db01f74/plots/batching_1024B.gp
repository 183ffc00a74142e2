set terminal pngcairo noenhanced size 900,560 font "sans,10"
set grid
set key outside right top
set output "results/2026-11-22_db01f74/plots/batching_1024B.png"
set title "batching: produce over loopback, 1024 B records"
set xlabel "records per batch"
set ylabel "MB/s"
set logscale x 2
set logscale y
plot "results/2026-11-22_db01f74/plots/batching_1024B.dat" index 0 with linespoints lw 2 title "loopback tcp", "results/2026-11-22_db01f74/plots/batching_1024B.dat" index 1 with linespoints lw 2 title "raw disk write", "results/2026-11-22_db01f74/plots/batching_1024B.dat" index 2 with linespoints lw 2 title "uring acks=0", "results/2026-11-22_db01f74/plots/batching_1024B.dat" index 3 with linespoints lw 2 title "uring acks=1", "results/2026-11-22_db01f74/plots/batching_1024B.dat" index 4 with linespoints lw 2 title "uring acks=all", "results/2026-11-22_db01f74/plots/batching_1024B.dat" index 5 with linespoints lw 2 title "rocksdb acks=0", "results/2026-11-22_db01f74/plots/batching_1024B.dat" index 6 with linespoints lw 2 title "rocksdb acks=1", "results/2026-11-22_db01f74/plots/batching_1024B.dat" index 7 with linespoints lw 2 title "rocksdb acks=all"
