# lesson13-random-labels.gp: draws lesson13-random-labels.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson13-random-labels.gp                      writes lesson13-random-labels.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson13-random-labels.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson13-random-labels".".".format
if (format eq "png") { set terminal pngcairo size 800,500 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 800,500 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 8.0in,5.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson13-random-labels.dat"

# ---- panel 1: Shuffled labels: memorized, not learned
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Shuffled labels: memorized, not learned"
set xlabel "epoch"
set ylabel "accuracy"
set yrange [0:1]
set key top left noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#1f77b4" notitle, \
     data index 1 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "training accuracy", \
     data index 2 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#d62728" notitle, \
     data index 3 using 1:2 with lines lw 2 lc rgb "#d62728" title "validation accuracy", \
     data index 4 using 1:2 with lines lw 2 lc rgb "#888888" dt 2 title "chance (0.1)"
