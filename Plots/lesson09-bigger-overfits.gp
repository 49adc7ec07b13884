# lesson09-bigger-overfits.gp: draws lesson09-bigger-overfits.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson09-bigger-overfits.gp                      writes lesson09-bigger-overfits.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson09-bigger-overfits.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson09-bigger-overfits".".".format
if (format eq "png") { set terminal pngcairo size 800,500 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 800,500 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 8.0in,5.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson09-bigger-overfits.dat"

# ---- panel 1: The bigger network: training and validation loss (seed 42)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "The bigger network: training and validation loss (seed 42)"
set xlabel "epoch"
set ylabel "loss"
set key below noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2 with linespoints lw 2 lc rgb "#1f77b4" pt 7 ps 0.8 title "training loss", \
     data index 1 using 1:2 with linespoints lw 2 lc rgb "#d62728" pt 7 ps 0.8 title "validation loss", \
     data index 2 using 1:2 with points pt 6 ps 2.5 lc rgb "#000000" title "lowest validation loss (epoch 1)"
