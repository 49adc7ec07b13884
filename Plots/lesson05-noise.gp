# lesson05-noise.gp: draws lesson05-noise.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson05-noise.gp                      writes lesson05-noise.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson05-noise.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson05-noise".".".format
if (format eq "png") { set terminal pngcairo size 800,500 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 800,500 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 8.0in,5.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson05-noise.dat"

# ---- panel 1: The loss of each update (first 3 epochs, seed 42)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "The loss of each update (first 3 epochs, seed 42)"
set xlabel "examples seen"
set ylabel "loss of the update's examples"
set logscale y
set format y "%g"
set key top right noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 every 3 using 1:2 with lines lw 0.5 lc rgb "#fdae6b" title "stochastic (1 example)", \
     data index 1 every 3 using 1:2 with lines lw 2 lc rgb "#2ca02c" title "stochastic, smoothed", \
     data index 2 using 1:2 with linespoints lw 2 lc rgb "#ff7f0e" pt 7 ps 0.6 title "mini-batch (32 examples)"
