# lesson11-mask.gp: draws lesson11-mask.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson11-mask.gp                      writes lesson11-mask.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson11-mask.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson11-mask".".".format
if (format eq "png") { set terminal pngcairo size 900,520 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 900,520 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 9.0in,5.2in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson11-mask.dat"

# ---- panel 1: A dropout mask, rate 0.5: 16 examples × 32 units (white: kept and scaled by 2, black: dropped)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "A dropout mask, rate 0.5: 16 examples × 32 units (white: kept and scaled by 2, black: dropped)"
set xlabel "unit"
set ylabel "example"
if (format ne "dumb") set size ratio -1
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray
set cbrange [0:2]
unset colorbox
set yrange [15.5:-0.5]
set xrange [-0.5:31.5]
set xtics ("1" 0, "8" 7, "16" 15, "24" 23, "32" 31)
set ytics ("1" 0, "4" 3, "8" 7, "12" 11, "16" 15)
plot data index 0 matrix with image notitle
