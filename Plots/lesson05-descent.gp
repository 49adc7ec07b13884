# lesson05-descent.gp: draws lesson05-descent.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson05-descent.gp                      writes lesson05-descent.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson05-descent.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson05-descent".".".format
if (format eq "png") { set terminal pngcairo size 1000,420 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 1000,420 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 10.0in,4.2in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson05-descent.dat"
set multiplot layout 1,2

# ---- panel 1: Training loss per epoch
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Training loss per epoch"
set xlabel "epoch"
set ylabel "loss"
set logscale y
set format y "%g"
set key top right noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#1f77b4" notitle, \
     data index 1 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "batch", \
     data index 2 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#ff7f0e" notitle, \
     data index 3 using 1:2 with lines lw 2 lc rgb "#ff7f0e" title "mini-batch (32)", \
     data index 4 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#2ca02c" notitle, \
     data index 5 using 1:2 with lines lw 2 lc rgb "#2ca02c" title "stochastic"

# ---- panel 2: Training loss per weight update
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Training loss per weight update"
set xlabel "updates"
set ylabel "loss"
set logscale x
set format x "%g"
set logscale y
set format y "%g"
set key bottom left noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 6 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#1f77b4" notitle, \
     data index 7 using 1:2 with linespoints lw 2 lc rgb "#1f77b4" pt 7 ps 0.6 title "batch", \
     data index 8 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#ff7f0e" notitle, \
     data index 9 using 1:2 with linespoints lw 2 lc rgb "#ff7f0e" pt 7 ps 0.6 title "mini-batch (32)", \
     data index 10 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#2ca02c" notitle, \
     data index 11 using 1:2 with linespoints lw 2 lc rgb "#2ca02c" pt 7 ps 0.6 title "stochastic"
unset multiplot
