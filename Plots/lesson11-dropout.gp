# lesson11-dropout.gp: draws lesson11-dropout.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson11-dropout.gp                      writes lesson11-dropout.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson11-dropout.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson11-dropout".".".format
if (format eq "png") { set terminal pngcairo size 1100,450 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 1100,450 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 11.0in,4.5in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson11-dropout.dat"
set multiplot layout 1,2

# ---- panel 1: Movie reviews, 16-16-1 (5 seeds)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Movie reviews, 16-16-1 (5 seeds)"
set xlabel "epoch"
set ylabel "loss"
set key top left noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#1f77b4" notitle, \
     data index 1 using 1:2 with linespoints lw 2 lc rgb "#1f77b4" pt 7 ps 0.8 title "no dropout: validation", \
     data index 2 using 1:2 with lines lw 2 lc rgb "#1f77b4" dt 2 title "no dropout: training", \
     data index 3 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#ff7f0e" notitle, \
     data index 4 using 1:2 with linespoints lw 2 lc rgb "#ff7f0e" pt 7 ps 0.8 title "dropout 0.5: validation", \
     data index 5 using 1:2 with lines lw 2 lc rgb "#ff7f0e" dt 2 title "dropout 0.5: training"

# ---- panel 2: MNIST, 784-256-128-10 (3 seeds)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "MNIST, 784-256-128-10 (3 seeds)"
set xlabel "epoch"
set ylabel "loss"
set key top right noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 6 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#1f77b4" notitle, \
     data index 7 using 1:2 with linespoints lw 2 lc rgb "#1f77b4" pt 7 ps 0.8 title "no dropout: validation", \
     data index 8 using 1:2 with lines lw 2 lc rgb "#1f77b4" dt 2 title "no dropout: training", \
     data index 9 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#ff7f0e" notitle, \
     data index 10 using 1:2 with linespoints lw 2 lc rgb "#ff7f0e" pt 7 ps 0.8 title "dropout 0.4 / 0.3: validation", \
     data index 11 using 1:2 with lines lw 2 lc rgb "#ff7f0e" dt 2 title "dropout 0.4 / 0.3: training"
unset multiplot
