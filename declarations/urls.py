from django.urls import path

app_name = "declarations"

urlpatterns: list = []
