# lesson12-training.gp: draws lesson12-training.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson12-training.gp                      writes lesson12-training.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson12-training.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson12-training".".".format
if (format eq "png") { set terminal pngcairo size 1100,450 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 1100,450 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 11.0in,4.5in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson12-training.dat"
set multiplot layout 1,2

# ---- panel 1: Training loss
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Training loss"
set xlabel "epoch"
set ylabel "loss"
set key top right noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#1f77b4" notitle, \
     data index 1 using 1:2 with linespoints lw 2 lc rgb "#1f77b4" pt 7 ps 0.8 title "without", \
     data index 2 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#ff7f0e" notitle, \
     data index 3 using 1:2 with linespoints lw 2 lc rgb "#ff7f0e" pt 7 ps 0.8 title "with BatchNorm"

# ---- panel 2: Validation accuracy
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Validation accuracy"
set xlabel "epoch"
set ylabel "accuracy"
set key bottom right noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 4 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#1f77b4" notitle, \
     data index 5 using 1:2 with linespoints lw 2 lc rgb "#1f77b4" pt 7 ps 0.8 title "without", \
     data index 6 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#ff7f0e" notitle, \
     data index 7 using 1:2 with linespoints lw 2 lc rgb "#ff7f0e" pt 7 ps 0.8 title "with BatchNorm"
unset multiplot
