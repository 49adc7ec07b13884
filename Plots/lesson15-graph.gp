# lesson15-graph.gp: draws lesson15-graph.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson15-graph.gp                      writes lesson15-graph.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson15-graph.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson15-graph".".".format
if (format eq "png") { set terminal pngcairo size 800,500 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 800,500 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 8.0in,5.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson15-graph.dat"

# ---- panel 1: f(x, y, z) = xy + z at x = −2, y = 5, z = −4: forward values and backward gradients
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "f(x, y, z) = xy + z at x = −2, y = 5, z = −4: forward values and backward gradients"
set xrange [-0.4:2.4]
set yrange [-0.6:2.4]
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set label "x\nvalue -2\ngradient 5" at 0.0,1.78 center front
set label "y\nvalue 5\ngradient -2" at 0.0,0.78 center front
set label "z\nvalue -4\ngradient 1" at 0.0,-0.22 center front
set label "q = x × y\nvalue -10\ngradient 1" at 1.0,1.28 center front
set label "f = q + z\nvalue -14\ngradient 1" at 2.0,0.53 center front
plot data index 0 using 1:2:3:4 with vectors head filled size screen 0.015,20 lw 2 lc rgb "#888888" notitle, \
     data index 1 using 1:2 with points pt 7 ps 3 lc rgb "#1f77b4" notitle
