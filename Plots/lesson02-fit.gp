# lesson02-fit.gp: draws lesson02-fit.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson02-fit.gp                      writes lesson02-fit.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson02-fit.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson02-fit".".".format
if (format eq "png") { set terminal pngcairo size 800,500 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 800,500 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 8.0in,5.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson02-fit.dat"

# ---- panel 1: Linear regression on the lecture's 17 points
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Linear regression on the lecture's 17 points"
set xlabel "x"
set ylabel "y"
set key top left noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2 with points pt 7 ps 1.2 lc rgb "#333333" title "data", \
     data index 1 using 1:2 with lines lw 3 lc rgb "#ff7f0e" title "closed form", \
     data index 2 using 1:2 with lines lw 2 lc rgb "#2ca02c" dt 2 title "batch GD", \
     data index 3 using 1:2 with lines lw 2 lc rgb "#d62728" dt 2 title "per-example GD"
