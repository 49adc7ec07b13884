# lesson06-learning-rate.gp: draws lesson06-learning-rate.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson06-learning-rate.gp                      writes lesson06-learning-rate.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson06-learning-rate.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson06-learning-rate".".".format
if (format eq "png") { set terminal pngcairo size 800,500 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 800,500 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 8.0in,5.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson06-learning-rate.dat"

# ---- panel 1: RMSProp on MNIST: learning rate 1.0 against 0.01
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "RMSProp on MNIST: learning rate 1.0 against 0.01"
set xlabel "epoch"
set ylabel "training accuracy"
set yrange [0:1]
set key bottom right noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2 with linespoints lw 2 lc rgb "#1f77b4" pt 7 ps 0.6 title "η = 1.0", \
     data index 1 using 1:2 with linespoints lw 2 lc rgb "#ff7f0e" pt 7 ps 0.6 title "η = 0.01"
