# vcoh_bench's plots: cd to this directory, then gnuplot plots.gp
set terminal png size 900,600 noenhanced
set grid
set key top left
set logscale x 2
set logscale y

set output 'scan-ns-per-page.png'
set title 'scan cost with 100% of the pages written'
set xlabel 'BO size (MiB)'
set ylabel 'ns per BO page (median, min-max)'
set xrange [0.0480769:1.3]
set yrange [*:*]
plot 'scan-native-pagetable-100.dat' using 1:2:3:4 with yerrorlines title 'native pagetable', \
      'scan-native-mkwrite-100.dat' using 1:2:3:4 with yerrorlines title 'native mkwrite', \
      'scan-upstream-pagetable-100.dat' using 1:2:3:4 with yerrorlines title 'upstream pagetable', \
      'scan-upstream-mkwrite-100.dat' using 1:2:3:4 with yerrorlines title 'upstream mkwrite', \
      'scan-zap-mkwrite-100.dat' using 1:2:3:4 with yerrorlines title 'zap mkwrite', \
      'scan-floor-100.dat' using 1:2:3:4 with yerrorlines title 'floor (read-only walk)'

set output 'scan-ns-per-page-10.png'
set title 'scan cost with 10% of the pages written'
set xlabel 'BO size (MiB)'
set ylabel 'ns per BO page (median, min-max)'
set xrange [0.0480769:1.3]
set yrange [*:*]
plot 'scan-native-pagetable-10.dat' using 1:2:3:4 with yerrorlines title 'native pagetable', \
      'scan-native-mkwrite-10.dat' using 1:2:3:4 with yerrorlines title 'native mkwrite', \
      'scan-upstream-pagetable-10.dat' using 1:2:3:4 with yerrorlines title 'upstream pagetable', \
      'scan-upstream-mkwrite-10.dat' using 1:2:3:4 with yerrorlines title 'upstream mkwrite', \
      'scan-zap-mkwrite-10.dat' using 1:2:3:4 with yerrorlines title 'zap mkwrite', \
      'scan-floor-10.dat' using 1:2:3:4 with yerrorlines title 'floor (read-only walk)'

set output 'flushes-per-cycle.png'
set title 'TLB flush calls per submit cycle (nr_tlb_remote_flush)'
set xlabel 'BOs per submit'
set ylabel 'flush calls per cycle (median, min-max)'
set xrange [0.769231:20.8]
set yrange [0.5:*]
plot 'batch-native-pagetable.dat' using 1:2:3:4 with yerrorlines title 'native pagetable', \
      'batch-native-mkwrite.dat' using 1:2:3:4 with yerrorlines title 'native mkwrite', \
      'batch-upstream-pagetable.dat' using 1:2:3:4 with yerrorlines title 'upstream pagetable', \
      'batch-upstream-mkwrite.dat' using 1:2:3:4 with yerrorlines title 'upstream mkwrite', \
      'batch-zap-mkwrite.dat' using 1:2:3:4 with yerrorlines title 'zap mkwrite'

set output 'ipis-per-cycle.png'
set title 'TLB shootdown IPIs per submit cycle (/proc/interrupts TLB)'
set xlabel 'BOs per submit'
set ylabel 'IPIs per cycle (median, min-max)'
set xrange [0.769231:20.8]
set yrange [0.5:*]
plot 'batch-native-pagetable.dat' using 1:5:6:7 with yerrorlines title 'native pagetable', \
      'batch-native-mkwrite.dat' using 1:5:6:7 with yerrorlines title 'native mkwrite', \
      'batch-upstream-pagetable.dat' using 1:5:6:7 with yerrorlines title 'upstream pagetable', \
      'batch-upstream-mkwrite.dat' using 1:5:6:7 with yerrorlines title 'upstream mkwrite', \
      'batch-zap-mkwrite.dat' using 1:5:6:7 with yerrorlines title 'zap mkwrite'

set output 'scale-ns-per-bo.png'
set title 'submit cost per BO, one page of each written'
set xlabel 'BOs per submit'
set ylabel 'ns per BO (median, min-max)'
set xrange [0.769231:83.2]
set yrange [*:*]
plot 'scale-ns-per-bo-native-pagetable.dat' using 1:2:3:4 with yerrorlines title 'native pagetable', \
      'scale-ns-per-bo-native-mkwrite.dat' using 1:2:3:4 with yerrorlines title 'native mkwrite', \
      'scale-ns-per-bo-upstream-pagetable.dat' using 1:2:3:4 with yerrorlines title 'upstream pagetable', \
      'scale-ns-per-bo-upstream-mkwrite.dat' using 1:2:3:4 with yerrorlines title 'upstream mkwrite', \
      'scale-ns-per-bo-zap-mkwrite.dat' using 1:2:3:4 with yerrorlines title 'zap mkwrite'

set output 'procs-flushes.png'
set title 'remote TLB flush calls per submit (nr_tlb_remote_flush)'
set xlabel 'processes mapping the BO'
set ylabel 'flush calls per submit (median, min-max)'
set xrange [0.769231:5.2]
set yrange [*:*]
plot 'procs-flushes-native-pagetable.dat' using 1:2:3:4 with yerrorlines title 'native pagetable', \
      'procs-flushes-native-mkwrite.dat' using 1:2:3:4 with yerrorlines title 'native mkwrite', \
      'procs-flushes-native-mm-pagetable.dat' using 1:2:3:4 with yerrorlines title 'native-mm pagetable', \
      'procs-flushes-native-mm-mkwrite.dat' using 1:2:3:4 with yerrorlines title 'native-mm mkwrite', \
      'procs-flushes-upstream-pagetable.dat' using 1:2:3:4 with yerrorlines title 'upstream pagetable', \
      'procs-flushes-upstream-mkwrite.dat' using 1:2:3:4 with yerrorlines title 'upstream mkwrite'

set output 'procs-ipis.png'
set title 'TLB shootdown IPIs per submit (/proc/interrupts TLB)'
set xlabel 'processes mapping the BO'
set ylabel 'IPIs per submit (median, min-max)'
set xrange [0.769231:5.2]
set yrange [*:*]
plot 'procs-ipis-native-pagetable.dat' using 1:2:3:4 with yerrorlines title 'native pagetable', \
      'procs-ipis-native-mkwrite.dat' using 1:2:3:4 with yerrorlines title 'native mkwrite', \
      'procs-ipis-native-mm-pagetable.dat' using 1:2:3:4 with yerrorlines title 'native-mm pagetable', \
      'procs-ipis-native-mm-mkwrite.dat' using 1:2:3:4 with yerrorlines title 'native-mm mkwrite', \
      'procs-ipis-upstream-pagetable.dat' using 1:2:3:4 with yerrorlines title 'upstream pagetable', \
      'procs-ipis-upstream-mkwrite.dat' using 1:2:3:4 with yerrorlines title 'upstream mkwrite'
