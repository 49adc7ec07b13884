# lesson09-smaller.gp: draws lesson09-smaller.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson09-smaller.gp                      writes lesson09-smaller.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson09-smaller.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson09-smaller".".".format
if (format eq "png") { set terminal pngcairo size 800,500 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 800,500 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 8.0in,5.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson09-smaller.dat"

# ---- panel 1: Effect of model capacity on validation loss: a smaller model
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Effect of model capacity on validation loss: a smaller model"
set xlabel "epoch"
set ylabel "validation loss"
set key top left noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#1f77b4" notitle, \
     data index 1 using 1:2 with linespoints lw 2 lc rgb "#1f77b4" pt 1 ps 1 title "original (16 units)", \
     data index 2 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#ff7f0e" notitle, \
     data index 3 using 1:2 with linespoints lw 2 lc rgb "#ff7f0e" pt 7 ps 1 title "smaller (4 units)"
