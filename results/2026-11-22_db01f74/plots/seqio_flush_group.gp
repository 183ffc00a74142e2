set terminal pngcairo noenhanced size 900,560 font "sans,10"
set grid
set key outside right top
set output "results/2026-11-22_db01f74/plots/seqio_flush_group.png"
set title "seqio: sequential append, flush=group"
set xlabel "batch size (KiB)"
set ylabel "MB/s"
set logscale x 2
set logscale y
plot "results/2026-11-22_db01f74/plots/seqio_flush_group.dat" index 0 with linespoints lw 2 title "raw buffered", "results/2026-11-22_db01f74/plots/seqio_flush_group.dat" index 1 with linespoints lw 2 title "raw O_DIRECT", "results/2026-11-22_db01f74/plots/seqio_flush_group.dat" index 2 with linespoints lw 2 title "uring", "results/2026-11-22_db01f74/plots/seqio_flush_group.dat" index 3 with linespoints lw 2 title "rocksdb"
