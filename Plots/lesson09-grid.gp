# lesson09-grid.gp: draws lesson09-grid.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson09-grid.gp                      writes lesson09-grid.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson09-grid.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson09-grid".".".format
if (format eq "png") { set terminal pngcairo size 800,500 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 800,500 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 8.0in,5.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson09-grid.dat"

# ---- panel 1: Grid search: mean 3-fold validation accuracy
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "Grid search: mean 3-fold validation accuracy"
set xlabel "epochs"
set ylabel "hidden units"
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#440154", 0.25 "#3b528b", 0.5 "#21918c", 0.75 "#5ec962", 1 "#fde725")
set yrange [2.5:-0.5]
set xrange [-0.5:2.5]
set xtics ("1" 0, "5" 1, "10" 2)
set ytics ("256" 0, "64" 1, "32" 2)
plot data index 0 matrix with image notitle
