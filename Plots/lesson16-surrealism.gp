# lesson16-surrealism.gp: draws lesson16-surrealism.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson16-surrealism.gp                      writes lesson16-surrealism.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson16-surrealism.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson16-surrealism".".".format
if (format eq "png") { set terminal pngcairo size 700,600 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 700,600 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 7.0in,6.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson16-surrealism.dat"

# ---- panel 1: Residuals against fitted values of an unremarkable regression (R² = 0.79)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Residuals against fitted values of an unremarkable regression (R² = 0.79)"
set xlabel "fitted value"
set ylabel "residual"
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2 with points pt 7 ps 0.9 lc rgb "#000000" notitle
