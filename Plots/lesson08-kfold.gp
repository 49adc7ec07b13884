# lesson08-kfold.gp: draws lesson08-kfold.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson08-kfold.gp                      writes lesson08-kfold.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson08-kfold.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson08-kfold".".".format
if (format eq "png") { set terminal pngcairo size 1000,420 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 1000,420 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 10.0in,4.2in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson08-kfold.dat"
set multiplot layout 1,2

# ---- panel 1: Validation MAE, average of 4 folds
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Validation MAE, average of 4 folds"
set xlabel "epoch"
set ylabel "MAE ($1000s)"
set key top right noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#1f77b4" title "spread of the folds", \
     data index 1 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "average"

# ---- panel 2: Smoothed (EMA 0.9), without the first 10 epochs
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Smoothed (EMA 0.9), without the first 10 epochs"
set xlabel "epoch"
set ylabel "MAE ($1000s)"
set key top right noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 2 using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb "#ff7f0e" title "spread of the folds", \
     data index 3 using 1:2 with lines lw 2 lc rgb "#ff7f0e" title "smoothed average", \
     data index 4 using 1:2 with points pt 7 ps 1.2 lc rgb "#000000" title "lowest"
unset multiplot
