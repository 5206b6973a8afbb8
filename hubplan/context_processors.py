"""Template context shared by every page: the menu and the user's roles."""

from hubplan import access
from hubplan.navigation import nav_for


def navigation(request):
    user = request.user
    return {
        "nav_items": nav_for(user, request.path) if user.is_authenticated else [],
        "can_plan": access.is_planner(user),
        "is_hr": access.is_hr(user),
    }
