# lesson06-trajectories.gp: draws lesson06-trajectories.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson06-trajectories.gp                      writes lesson06-trajectories.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson06-trajectories.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson06-trajectories".".".format
if (format eq "png") { set terminal pngcairo size 1050,620 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 1050,620 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 10.5in,6.2in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson06-trajectories.dat"
set multiplot layout 2,3 title "30 updates from (−7, 2) on f(x, y) = x²/20 + y²"

# ---- panel 1: SGD (η = 0.95)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "SGD (η = 0.95)"
set xrange [-8:8]
set yrange [-3:3]
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set contour base
set cntrparam levels discrete 0.1,0.5,1,2,3,4,6,8
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
     data index 1 using 1:2 with linespoints lw 1 lc rgb "#d62728" pt 7 ps 0.6 notitle, \
     data index 2 using 1:2 with points pt 3 ps 1.5 lc rgb "#000000" notitle

# ---- panel 2: momentum (η = 0.1, μ = 0.9)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "momentum (η = 0.1, μ = 0.9)"
set xrange [-8:8]
set yrange [-3:3]
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set contour base
set cntrparam levels discrete 0.1,0.5,1,2,3,4,6,8
unset surface
set view map
set table $contour2
splot data index 3 nonuniform matrix using 1:2:3 with lines notitle
unset table
unset contour
set surface
set palette defined (0 "#c6dbef", 1 "#08306b")
unset colorbox
plot $contour2 using 1:2:3 with lines lw 1 lc palette notitle, \
     data index 4 using 1:2 with linespoints lw 1 lc rgb "#d62728" pt 7 ps 0.6 notitle, \
     data index 5 using 1:2 with points pt 3 ps 1.5 lc rgb "#000000" notitle

# ---- panel 3: Adagrad (η = 1.5)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Adagrad (η = 1.5)"
set xrange [-8:8]
set yrange [-3:3]
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set contour base
set cntrparam levels discrete 0.1,0.5,1,2,3,4,6,8
unset surface
set view map
set table $contour3
splot data index 6 nonuniform matrix using 1:2:3 with lines notitle
unset table
unset contour
set surface
set palette defined (0 "#c6dbef", 1 "#08306b")
unset colorbox
plot $contour3 using 1:2:3 with lines lw 1 lc palette notitle, \
     data index 7 using 1:2 with linespoints lw 1 lc rgb "#d62728" pt 7 ps 0.6 notitle, \
     data index 8 using 1:2 with points pt 3 ps 1.5 lc rgb "#000000" notitle

# ---- panel 4: RMSProp (η = 0.25)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "RMSProp (η = 0.25)"
set xrange [-8:8]
set yrange [-3:3]
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set contour base
set cntrparam levels discrete 0.1,0.5,1,2,3,4,6,8
unset surface
set view map
set table $contour4
splot data index 9 nonuniform matrix using 1:2:3 with lines notitle
unset table
unset contour
set surface
set palette defined (0 "#c6dbef", 1 "#08306b")
unset colorbox
plot $contour4 using 1:2:3 with lines lw 1 lc palette notitle, \
     data index 10 using 1:2 with linespoints lw 1 lc rgb "#d62728" pt 7 ps 0.6 notitle, \
     data index 11 using 1:2 with points pt 3 ps 1.5 lc rgb "#000000" notitle

# ---- panel 5: Adam (η = 0.3)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "Adam (η = 0.3)"
set xrange [-8:8]
set yrange [-3:3]
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set contour base
set cntrparam levels discrete 0.1,0.5,1,2,3,4,6,8
unset surface
set view map
set table $contour5
splot data index 12 nonuniform matrix using 1:2:3 with lines notitle
unset table
unset contour
set surface
set palette defined (0 "#c6dbef", 1 "#08306b")
unset colorbox
plot $contour5 using 1:2:3 with lines lw 1 lc palette notitle, \
     data index 13 using 1:2 with linespoints lw 1 lc rgb "#d62728" pt 7 ps 0.6 notitle, \
     data index 14 using 1:2 with points pt 3 ps 1.5 lc rgb "#000000" notitle

# ---- panel 6: f after each update
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "f after each update"
set xlabel "update"
set logscale y
set format y "%g"
set key top right noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 15 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "SGD", \
     data index 16 using 1:2 with lines lw 2 lc rgb "#ff7f0e" title "momentum", \
     data index 17 using 1:2 with lines lw 2 lc rgb "#2ca02c" title "Adagrad", \
     data index 18 using 1:2 with lines lw 2 lc rgb "#d62728" title "RMSProp", \
     data index 19 using 1:2 with lines lw 2 lc rgb "#9467bd" title "Adam"
unset multiplot
