# lesson04-loss.gp: draws lesson04-loss.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson04-loss.gp                      writes lesson04-loss.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson04-loss.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson04-loss".".".format
if (format eq "png") { set terminal pngcairo size 800,500 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 800,500 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 8.0in,5.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson04-loss.dat"

# ---- panel 1: Training on the spirals
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Training on the spirals"
set xlabel "epoch"
set ylabel "loss"
set border 11 lc rgb "#555555"
set y2tics nomirror out
set y2label "accuracy"
set key outside right top noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "loss", \
     data index 1 using 1:2 with lines lw 2 lc rgb "#ff7f0e" axes x1y2 title "accuracy"
