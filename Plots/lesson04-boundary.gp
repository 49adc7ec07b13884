# lesson04-boundary.gp: draws lesson04-boundary.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson04-boundary.gp                      writes lesson04-boundary.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson04-boundary.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson04-boundary".".".format
if (format eq "png") { set terminal pngcairo size 720,600 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 720,600 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 7.2in,6.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson04-boundary.dat"

# ---- panel 1: Decision boundary: P(class 1) over the plane
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Decision boundary: P(class 1) over the plane"
set xlabel "x₁"
set ylabel "x₂"
set xrange [-1.2:1.2]
set yrange [-1.2:1.2]
if (format ne "dumb") set size ratio -1
set key outside right top noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [0:1]
plot data index 0 matrix using (-1.2+$1*0.024):(-1.2+$2*0.024):3 with image notitle, \
     data index 1 using 1:2 with points pt 7 ps 0.8 lc rgb "#000000" title "class 0", \
     data index 2 using 1:2 with points pt 6 ps 0.8 lc rgb "#000000" title "class 1"
