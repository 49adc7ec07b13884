# lesson06-optimizers.gp: draws lesson06-optimizers.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson06-optimizers.gp                      writes lesson06-optimizers.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson06-optimizers.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson06-optimizers".".".format
if (format eq "png") { set terminal pngcairo size 1000,420 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 1000,420 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 10.0in,4.2in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson06-optimizers.dat"
set multiplot layout 1,2

# ---- panel 1: Training loss (5 seeds)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Training loss (5 seeds)"
set xlabel "epoch"
set ylabel "loss"
set logscale y
set format y "%g"
set key top right noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2 with linespoints lw 2 lc rgb "#1f77b4" pt 7 ps 0.6 title "SGD (η = 0.1)", \
     data index 1 using 1:2 with linespoints lw 2 lc rgb "#ff7f0e" pt 7 ps 0.6 title "momentum (η = 0.01, μ = 0.9)", \
     data index 2 using 1:2 with linespoints lw 2 lc rgb "#2ca02c" pt 7 ps 0.6 title "Adagrad (η = 0.01)", \
     data index 3 using 1:2 with linespoints lw 2 lc rgb "#d62728" pt 7 ps 0.6 title "RMSProp (η = 0.001)", \
     data index 4 using 1:2 with linespoints lw 2 lc rgb "#9467bd" pt 7 ps 0.6 title "Adam (η = 0.001)"

# ---- panel 2: Test accuracy (5 seeds)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Test accuracy (5 seeds)"
set xlabel "epoch"
set ylabel "accuracy"
set key bottom right noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 5 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#1f77b4" notitle, \
     data index 6 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#ff7f0e" notitle, \
     data index 7 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#2ca02c" notitle, \
     data index 8 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#d62728" notitle, \
     data index 9 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#9467bd" notitle, \
     data index 10 using 1:2 with linespoints lw 2 lc rgb "#1f77b4" pt 7 ps 0.6 title "SGD (η = 0.1)", \
     data index 11 using 1:2 with linespoints lw 2 lc rgb "#ff7f0e" pt 7 ps 0.6 title "momentum (η = 0.01, μ = 0.9)", \
     data index 12 using 1:2 with linespoints lw 2 lc rgb "#2ca02c" pt 7 ps 0.6 title "Adagrad (η = 0.01)", \
     data index 13 using 1:2 with linespoints lw 2 lc rgb "#d62728" pt 7 ps 0.6 title "RMSProp (η = 0.001)", \
     data index 14 using 1:2 with linespoints lw 2 lc rgb "#9467bd" pt 7 ps 0.6 title "Adam (η = 0.001)"
unset multiplot
