# lesson02-path.gp: draws lesson02-path.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson02-path.gp                      writes lesson02-path.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson02-path.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson02-path".".".format
if (format eq "png") { set terminal pngcairo size 800,500 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 800,500 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 8.0in,5.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson02-path.dat"

# ---- panel 1: The path of (w, b) on the cost's contours
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "The path of (w, b) on the cost's contours"
set xlabel "w"
set ylabel "b"
set xrange [-0.05:0.7]
set yrange [-0.1:1]
set key top right noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set contour base
set cntrparam levels discrete 0.155,0.16,0.18,0.22,0.3,0.5,1,2,4
unset surface
set view map
set table $contour1
splot data index 0 nonuniform matrix using 1:2:3 with lines notitle
unset table
unset contour
set surface
set palette defined (0 "#c6dbef", 1 "#08306b")
unset colorbox
plot $contour1 using 1:2:3 with lines lw 1 lc palette notitle, \
     data index 1 every 2 using 1:2 with lines lw 0.5 lc rgb "#fdae6b" title "per-example GD (every update)", \
     data index 2 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "batch GD", \
     data index 3 using 1:2 with points pt 7 ps 1.5 lc rgb "#d62728" title "closed form"
