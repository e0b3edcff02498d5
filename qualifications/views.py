from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .permissions import get_qualification_for_user, get_werkproces_for_user


@require_GET
@login_required
def qualification_list(request):
    qualifications = selectors.qualifications_for(user=request.user)
    return render(request, "qualifications/list.html", {"qualifications": qualifications})


@require_GET
@login_required
def qualification_detail(request, pk: int):
    qualification = get_qualification_for_user(request.user, pk)
    tree = selectors.qualification_tree(qualification=qualification)
    return render(
        request,
        "qualifications/detail.html",
        {
            "qualification": qualification,
            "dossier": qualification.dossier,
            "terms": qualification.dossier.terms,
            "tree": tree,
            "generieke_onderdelen": selectors.generieke_onderdelen_for(qualification=qualification),
        },
    )


@require_GET
@login_required
def werkproces_detail(request, pk: int, code: str):
    qualification = get_qualification_for_user(request.user, pk)
    werkproces = get_werkproces_for_user(request.user, qualification, code)
    detail = selectors.werkproces_detail(qualification=qualification, werkproces=werkproces)
    return render(
        request,
        "qualifications/werkproces.html",
        {
            "qualification": qualification,
            "dossier": qualification.dossier,
            "terms": qualification.dossier.terms,
            "kerntaak": werkproces.kerntaak,
            "detail": detail,
        },
    )
