# lesson14-digit.gp: draws lesson14-digit.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson14-digit.gp                      writes lesson14-digit.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson14-digit.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson14-digit".".".format
if (format eq "png") { set terminal pngcairo size 900,420 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 900,420 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 9.0in,4.2in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson14-digit.dat"
set multiplot layout 1,2

# ---- panel 1: the digit
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "the digit"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 0 matrix with image notitle

# ---- panel 2: Sobel filter's feature map
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "Sobel filter's feature map"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set yrange [25.5:-0.5]
set xrange [-0.5:25.5]
plot data index 1 matrix with image notitle
unset multiplot
