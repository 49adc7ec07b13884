# lesson16-residuals.gp: draws lesson16-residuals.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson16-residuals.gp                      writes lesson16-residuals.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson16-residuals.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson16-residuals".".".format
if (format eq "png") { set terminal pngcairo size 800,500 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 800,500 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 8.0in,5.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson16-residuals.dat"

# ---- panel 1: Boston housing, least squares: residuals against fitted values
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Boston housing, least squares: residuals against fitted values"
set xlabel "fitted MEDV ($1000s)"
set ylabel "residual"
set key top right noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2 with points pt 7 ps 0.6 lc rgb "#1f77b4" title "towns", \
     data index 1 using 1:2 with points pt 7 ps 0.8 lc rgb "#d62728" title "MEDV = 50 (capped)", \
     data index 2 using 1:2 with lines lw 2 lc rgb "#888888" dt 2 title "residual 0"
