# lesson14-cnn-vs-mlp.gp: draws lesson14-cnn-vs-mlp.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson14-cnn-vs-mlp.gp                      writes lesson14-cnn-vs-mlp.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson14-cnn-vs-mlp.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson14-cnn-vs-mlp".".".format
if (format eq "png") { set terminal pngcairo size 800,500 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 800,500 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 8.0in,5.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson14-cnn-vs-mlp.dat"

# ---- panel 1: MNIST subset: CNN versus MLP
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "MNIST subset: CNN versus MLP"
set xlabel "epoch"
set ylabel "validation accuracy"
set key bottom right noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#1f77b4" notitle, \
     data index 1 using 1:2 with linespoints lw 2 lc rgb "#1f77b4" pt 7 ps 0.8 title "CNN (217,090 parameters)", \
     data index 2 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#ff7f0e" notitle, \
     data index 3 using 1:2 with linespoints lw 2 lc rgb "#ff7f0e" pt 7 ps 0.8 title "MLP (235,146 parameters)"
