# lesson05-timing.gp: draws lesson05-timing.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson05-timing.gp                      writes lesson05-timing.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson05-timing.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson05-timing".".".format
if (format eq "png") { set terminal pngcairo size 800,500 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 800,500 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 8.0in,5.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson05-timing.dat"

# ---- panel 1: Training loss against wall-clock time (seed 42; measured, differs from run to run)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Training loss against wall-clock time (seed 42; measured, differs from run to run)"
set xlabel "seconds"
set ylabel "loss"
set logscale y
set format y "%g"
set key top right noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2 with linespoints lw 2 lc rgb "#1f77b4" pt 7 ps 0.6 title "batch", \
     data index 1 using 1:2 with linespoints lw 2 lc rgb "#ff7f0e" pt 7 ps 0.6 title "mini-batch (32)", \
     data index 2 using 1:2 with linespoints lw 2 lc rgb "#2ca02c" pt 7 ps 0.6 title "stochastic"
