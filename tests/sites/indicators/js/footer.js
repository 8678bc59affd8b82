document.getElementById("footer").innerHTML = "政府网站标识码：2399000021";
